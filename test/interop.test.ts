// Ciphertexts from encryptPayload, decrypted by the tools FinCode's servers run:
// Java (SunJCE), the OpenSSL command line and Python's cryptography, each set up
// as FinCode's docs say (SHA-256 label hash, MGF1-SHA-256). Also shown: the same
// tools set up with MGF1-SHA-1 (Java's default provider) refuse them, which is
// the interop trap in ../shared/notes/interop.md and proves the setup is real.
//
// Under CI=true a missing tool fails these tests; elsewhere they are skipped, visibly.
import { beforeAll, describe, expect, it } from 'vitest'
import { encryptPayload, importPublicKey } from '../src/index.js'
import { testKeyPair, type TestKeyPair } from './helpers/keys.js'
import { decryptWith, opensslEncrypt, skipMissingTool, toolStatus, type Decrypted, type DecryptJob, type OaepSetup, type ServerTool } from './helpers/server-tools.js'

// The full setups are spelled out in helpers/server-tools.ts.
const TOOLS: { tool: ServerTool; name: string; setup: string }[] = [
  { tool: 'java', name: 'Java', setup: 'Cipher "RSA/ECB/OAEPPadding" + OAEPParameterSpec(SHA-256, MGF1-SHA-256)' },
  { tool: 'openssl', name: 'OpenSSL', setup: 'pkeyutl -decrypt, rsa_oaep_md:sha256, rsa_mgf1_md:sha256' },
  { tool: 'python', name: 'Python', setup: 'OAEP(mgf=MGF1(SHA256()), algorithm=SHA256())' },
]
const status = Object.fromEntries(await Promise.all(TOOLS.map(async ({ tool }) => [tool, await toolStatus(tool)] as const))) as Record<ServerTool, Awaited<ReturnType<typeof toolStatus>>>

/** `unit` repeated to exactly `bytes` bytes of UTF-8, topped up with ASCII. */
function fill(unit: string, bytes: number): string {
  const size = Buffer.byteLength(unit)
  return unit.repeat(Math.floor(bytes / size)) + 'x'.repeat(bytes % size)
}

interface Case {
  bits: 2048 | 3072 | 4096
  name: string
  plaintext: string
  pair: TestKeyPair
  ciphertext: string
}

const cases: Case[] = ([2048, 3072, 4096] as const).flatMap((bits) => {
  const limit = bits / 8 - 66
  const pair = testKeyPair(bits)
  return [
    ['a PIN with a leading zero', '012345'],
    ["'pïn é🔒' (1-, 2- and 4-byte UTF-8)", 'pïn é🔒'],
    ["'€' (3 bytes)", '€'],
    ["'ü' (2 bytes)", 'ü'],
    ['one ASCII byte', '7'],
    [`${limit} ASCII bytes (the limit)`, 'a'.repeat(limit)],
    [`${limit} bytes of '€' (the limit)`, fill('€', limit)],
    [`${limit} bytes of '🔒' (the limit)`, fill('🔒', limit)],
  ].map(([name, plaintext]) => ({ bits, name: name!, plaintext: plaintext!, pair, ciphertext: '' }))
})

// SHA-256/MGF1-SHA-1 ciphertexts, the format Java's default provider writes, made by
// OpenSSL: to show the runners' SHA-1 setups work (other suites rely on them).
const skipReference = skipMissingTool(status.openssl)
const REFERENCE = 'pïn é🔒'
const referencePairs = [testKeyPair(2048), testKeyPair(4096)]
let reference: DecryptJob[] = []
let referenceError: unknown = status.openssl.available ? undefined : new Error(`OpenSSL makes the reference ciphertexts: ${status.openssl.detail}`)

beforeAll(async () => {
  // Kept for the one test that needs it, so an OpenSSL failure cannot fail this hook (and hide every test as skipped).
  if (!referenceError) {
    try {
      const ciphertexts = await opensslEncrypt(referencePairs.map((p) => ({ plaintext: REFERENCE, publicKey: p.publicPem })), 'SHA-1')
      reference = ciphertexts.map((ciphertext, i) => ({ ciphertext, privateKey: referencePairs[i]!.privatePem }))
    } catch (error) {
      referenceError = error
    }
  }
  for (const c of cases) c.ciphertext = await encryptPayload(c.plaintext, c.pair.publicKey)
  // The limit cases really are at the limit.
  for (const c of cases) if (c.name.includes('limit')) expect(Buffer.byteLength(c.plaintext)).toBe((await importPublicKey(c.pair.publicKey)).maxPayloadBytes)
})

const jobs = (list: readonly Case[], setup?: OaepSetup): DecryptJob[] => list.map((c) => ({ ciphertext: c.ciphertext, privateKey: c.pair.privateKey, setup }))
const withSetup = (list: readonly DecryptJob[], setup: OaepSetup): DecryptJob[] => list.map((job) => ({ ...job, setup }))
const texts = (results: readonly Decrypted[]) => results.map((r) => (r.ok ? r.text : `refused: ${r.error}`))
const allRefused = (results: readonly Decrypted[]) => {
  expect(results.length).toBeGreaterThan(0)
  expect(results.filter((r) => r.ok), texts(results).join('\n')).toEqual([])
}

for (const { tool, name, setup } of TOOLS) {
  describe.skipIf(skipMissingTool(status[tool]))(`${name} with ${setup} [${status[tool].detail}]`, () => {
    // Everything below is one batch: one JVM or interpreter (one pkeyutl per ciphertext for OpenSSL).
    // A failed batch (say, the tool is missing under CI) fails every test below, not the hook:
    // vitest would report the tests of a failed hook as skipped.
    const results: Record<string, Decrypted[]> = {}
    let batchError: unknown
    const got = (group: string): Decrypted[] => {
      if (batchError) throw batchError
      return results[group]!
    }
    beforeAll(async () => {
      const sample = cases.filter((c) => c.plaintext === REFERENCE)
      const corrupted = Buffer.from(sample[0]!.ciphertext, 'base64')
      corrupted[10]! ^= 0xff
      const groups: Record<string, DecryptJob[]> = {
        ours: jobs(cases),
        corrupted: [{ ciphertext: corrupted.toString('base64'), privateKey: sample[0]!.pair.privateKey }],
        oursWithMgf1Sha1: jobs(sample, { mgf1Hash: 'SHA-1' }),
        oursWithJavaDefault: tool === 'java' ? jobs(sample, { javaCipher: 'java-default' }) : [],
        referenceWithMgf1Sha1: withSetup(reference, { mgf1Hash: 'SHA-1' }),
        referenceWithJavaDefault: tool === 'java' ? withSetup(reference, { javaCipher: 'java-default' }) : [],
        referenceWithMgf1Sha256: withSetup(reference, { mgf1Hash: 'SHA-256' }),
      }
      try {
        const all = await decryptWith(tool, Object.values(groups).flat())
        let at = 0
        for (const [group, list] of Object.entries(groups)) results[group] = all.slice(at, (at += list.length))
      } catch (error) {
        batchError = error
      }
    })

    it.each(cases.map((c, i) => [c.name, c.bits, i] as const))('decrypts %s under a %i-bit key, byte for byte', (_name, _bits, i) => {
      const { plaintext } = cases[i]!
      const result = got('ours')[i]!
      expect(result.ok ? result.text : `refused: ${result.error}`).toBe(plaintext)
      expect(result.ok && result.bytes.equals(Buffer.from(plaintext, 'utf8'))).toBe(true)
    })

    it('refuses a corrupted ciphertext, without disturbing the rest of the batch', () => {
      allRefused(got('corrupted'))
    })

    it('refuses our ciphertexts when set up with MGF1-SHA-1: a SHA-256 label hash alone does not interoperate', () => {
      allRefused(got('oursWithMgf1Sha1'))
    })

    if (tool === 'java') {
      it('refuses them with the default provider\'s "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" and no spec (MGF1-SHA-1), as FinCode\'s Java sample is written', () => {
        allRefused(got('oursWithJavaDefault'))
        for (const r of got('oursWithJavaDefault')) expect(r.ok ? '' : r.error).toMatch(/BadPaddingException/)
      })
    }

    it.skipIf(skipReference)(
      `set up with MGF1-SHA-1${tool === 'java' ? ' or Java\'s defaults' : ''}, reads the SHA-256/MGF1-SHA-1 ciphertexts Java's default provider writes (made here by OpenSSL); set up with SHA-256, refuses them`,
      () => {
        if (referenceError) throw referenceError
        expect(reference).toHaveLength(2)
        expect(texts(got('referenceWithMgf1Sha1'))).toEqual([REFERENCE, REFERENCE])
        if (tool === 'java') expect(texts(got('referenceWithJavaDefault'))).toEqual([REFERENCE, REFERENCE])
        allRefused(got('referenceWithMgf1Sha256'))
      },
    )
  })
}

describe('the server-tool runners', () => {
  it("refuse a 'java-default' setup combined with an MGF1 hash, and javaCipher for other tools", async () => {
    await expect(decryptWith('java', [], { javaCipher: 'java-default', mgf1Hash: 'SHA-256' })).rejects.toThrow(/fixes MGF1 to SHA-1/)
    await expect(decryptWith('openssl', [], { javaCipher: 'java-default' })).rejects.toThrow(/Java setup/)
  })
})
