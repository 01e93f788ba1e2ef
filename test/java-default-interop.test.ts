// The proof that `javaDefault` is what a Java-default server reads: 1,000
// random Unicode payloads per key size, every UTF-8 length from 0 to the limit,
// decrypted by Java's default provider and Python (all 1,000) and OpenSSL (one of
// each length) configured for SHA-256 / MGF1-SHA-1 — and refused by the
// SHA-256 / MGF1-SHA-256 configuration, so the variant is really different.
// The runners and their setups are in helpers/server-tools.ts. Under CI=true a
// missing tool fails these tests; elsewhere they are skipped, visibly.
import { createRequire } from 'node:module'
import type { KeyObject } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { encryptPayload, importPublicKey } from '../src/index.js'
import { javaDefault } from '../src/java-default.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'
import { referenceDecrypt } from './helpers/oaep-reference.js'
import { decryptWith, skipMissingTool, toolStatus, type Decrypted, type OaepSetup, type ServerTool } from './helpers/server-tools.js'
import { payloadsUpTo } from './helpers/unicode-payloads.js'

const COUNT = 1000
const SEED = 20260507 // payloads are payloadsUpTo(limit, 1000, SEED + bits)
const [SKIP_JAVA, SKIP_PYTHON, SKIP_OPENSSL] = await Promise.all((['java', 'python', 'openssl'] as const).map(async (tool) => skipMissingTool(await toolStatus(tool))))

// Java's default provider as FinCode's sample uses it, and servers set up with an explicit MGF1 hash.
const JAVA_DEFAULT: OaepSetup = { javaCipher: 'java-default' }
const MGF1_SHA1: OaepSetup = { mgf1Hash: 'SHA-1' }
const MGF1_SHA256: OaepSetup = { mgf1Hash: 'SHA-256' }

/** One batch (one JVM / one Python; one pkeyutl per ciphertext) for every ciphertext, under one key and setup. */
function decrypt(tool: ServerTool, privateKey: KeyObject, ciphertexts: string[], setup: OaepSetup): Promise<Decrypted[]> {
  // 1,000 RSA-4096 decryptions in one process: allow it the time the test has (openssl's limit is per ciphertext).
  const timeoutMs = tool === 'openssl' ? undefined : 300_000
  return decryptWith(tool, ciphertexts.map((ciphertext) => ({ ciphertext, privateKey })), { ...setup, timeoutMs })
}

/** Each result as the Base64 of its plaintext bytes, or "ERR <what the tool said>". */
const outcomesOf = (results: Decrypted[]) => results.map((r) => (r.ok ? r.bytes.toString('base64') : `ERR ${r.error}`))

/** The exception class of each refusal ("javax.crypto.BadPaddingException", "ValueError"), or 'decrypted'. */
const refusalsOf = (results: Decrypted[]) => results.map((r) => (r.ok ? 'decrypted' : r.error.split(':')[0]))

/** Indices whose outcome is not the payload's UTF-8 bytes (Base64), with what the tool said. */
function mismatches(outcomes: string[], expected: string[]): string[] {
  expect(outcomes).toHaveLength(expected.length)
  return expected.flatMap((bytes, i) => (outcomes[i] === bytes ? [] : [`#${i}: ${outcomes[i]?.startsWith('ERR') ? outcomes[i] : 'wrong plaintext'}`]))
}

/** A spread-out sample: the boundary payloads (0, 1, max bytes) and every 20th. */
const sample = <T>(items: T[]) => items.filter((_, i) => i < 3 || i % 20 === 0)

/** Index of the first payload of each UTF-8 length. */
function oneOfEachLength(payloads: string[]): number[] {
  const first = new Map<number, number>()
  payloads.forEach((payload, i) => first.has(Buffer.byteLength(payload)) || first.set(Buffer.byteLength(payload), i))
  return [...first.values()]
}

const pick = <T>(items: T[], indices: number[]) => indices.map((i) => items[i]!)

describe.each([2048, 3072, 4096] as const)('RSA-%i: 1,000 javaDefault ciphertexts', (bits) => {
  let privateKey: KeyObject
  let limit: number
  let payloads: string[]
  let expected: string[] // UTF-8 bytes of each payload, Base64
  let ciphertexts: string[]

  beforeAll(async () => {
    const pair = testKeyPair(bits)
    privateKey = pair.privateKey
    const key = await importPublicKey(pair.publicKey)
    limit = key.maxPayloadBytes
    payloads = payloadsUpTo(limit, COUNT, SEED + bits)
    expected = payloads.map((payload) => Buffer.from(payload, 'utf8').toString('base64'))
    ciphertexts = []
    for (const payload of payloads) ciphertexts.push(await encryptPayload(payload, key, { scheme: javaDefault }))
  }, 300_000)

  test('the payloads cover every UTF-8 length from 1 to the limit, in random Unicode', () => {
    const lengths = new Set(payloads.map((payload) => Buffer.byteLength(payload, 'utf8')))
    expect(lengths.size).toBe(limit)
    expect(Math.max(...lengths)).toBe(limit)
    expect(payloads.some((payload) => /[^\u0000-\u007f]/.test(payload))).toBe(true)
    expect(payloads.some((payload) => /\p{Extended_Pictographic}|[\u{10000}-\u{10ffff}]/u.test(payload))).toBe(true)
  })

  test.skipIf(SKIP_JAVA)("Java's default provider with no OAEPParameterSpec decrypts every one", async () => {
    const results = await decrypt('java', privateKey, ciphertexts, JAVA_DEFAULT)
    expect(new Set(results.map((r) => r.parameters))).toEqual(new Set(['md=SHA-256 mgf1=SHA-1'])) // what Java says its defaults are
    expect(mismatches(outcomesOf(results), expected)).toEqual([])
  }, 300_000)

  test.skipIf(SKIP_PYTHON)('Python cryptography with OAEP(MGF1(SHA1()), SHA256()) decrypts every one', async () => {
    expect(mismatches(outcomesOf(await decrypt('python', privateKey, ciphertexts, MGF1_SHA1)), expected)).toEqual([])
  }, 300_000)

  // pkeyutl decrypts one input per process (~10-25 ms a launch here), so 3,000
  // launches would add minutes to every run: OpenSSL gets one ciphertext of each
  // UTF-8 length instead, 190 / 318 / 446 of them, boundaries included.
  test.skipIf(SKIP_OPENSSL)('openssl pkeyutl with rsa_oaep_md:sha256 and rsa_mgf1_md:sha1 decrypts one of every length', async () => {
    const some = oneOfEachLength(payloads)
    expect(some).toHaveLength(limit)
    const results = await decrypt('openssl', privateKey, pick(ciphertexts, some), MGF1_SHA1)
    expect(mismatches(outcomesOf(results), pick(expected, some))).toEqual([])
  }, 600_000)

  test('the Node reference decryptor with MGF1-SHA-1 decrypts a sample', () => {
    const pair = testKeyPair(bits)
    const outcomes = sample(ciphertexts).map((c) => referenceDecrypt(c, pair.privateKey, 'sha1').toString('base64'))
    expect(mismatches(outcomes, sample(expected))).toEqual([])
  }, 120_000)

  test('Node privateDecrypt with oaepHash sha256 (SHA-256/MGF1-SHA-256) refuses every one', () => {
    const pair = testKeyPair(bits)
    const decrypted = ciphertexts.filter((c) => {
      try {
        nodeDecrypt(c, pair.privateKey)
        return true
      } catch {
        return false
      }
    })
    expect(decrypted).toHaveLength(0)
  }, 120_000)

  test.skipIf(SKIP_JAVA)('Java with an explicit MGF1-SHA-256 OAEPParameterSpec refuses a sample with BadPaddingException', async () => {
    const some = sample(ciphertexts)
    const results = await decrypt('java', privateKey, some, MGF1_SHA256)
    expect(new Set(results.map((r) => r.parameters))).toEqual(new Set(['md=SHA-256 mgf1=SHA-256']))
    expect(refusalsOf(results)).toEqual(some.map(() => 'javax.crypto.BadPaddingException'))
  }, 120_000)

  test.skipIf(SKIP_PYTHON)('Python with MGF1(SHA256()) refuses a sample', async () => {
    const some = sample(ciphertexts)
    expect(refusalsOf(await decrypt('python', privateKey, some, MGF1_SHA256))).toEqual(some.map(() => 'ValueError'))
  }, 120_000)
})

describe("node-forge's SHA-256 / MGF1-SHA-1 mode, the benchmark's comparison", () => {
  test.skipIf(SKIP_PYTHON)('is the same variant: Python MGF1(SHA1) decrypts it, Node SHA-256/SHA-256 does not', async () => {
    const pair = testKeyPair(2048)
    const forge = createRequire(import.meta.url)('node-forge')
    const publicKey = forge.pki.publicKeyFromPem(pair.publicPem)
    const payloads = payloadsUpTo(190, 25, SEED)
    const ciphertexts = payloads.map((payload) =>
      forge.util.encode64(
        publicKey.encrypt(forge.util.encodeUtf8(payload), 'RSA-OAEP', { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha1.create() } }),
      ),
    )
    const expected = payloads.map((payload) => Buffer.from(payload, 'utf8').toString('base64'))
    expect(mismatches(outcomesOf(await decrypt('python', pair.privateKey, ciphertexts, MGF1_SHA1)), expected)).toEqual([])
    expect(refusalsOf(await decrypt('python', pair.privateKey, ciphertexts, MGF1_SHA256))).toEqual(ciphertexts.map(() => 'ValueError'))
    for (const c of ciphertexts) expect(() => nodeDecrypt(c, pair.privateKey)).toThrow()
  }, 120_000)
})
