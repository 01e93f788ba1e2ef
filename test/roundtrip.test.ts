// encryptPayload and importPublicKey, held to Node's privateDecrypt: key sizes,
// OAEP randomness, the key cache, the key text formats, the fingerprint.
import { spawnSync } from 'node:child_process'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encryptPayload, importPublicKey } from '../src/index.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'
import { skipMissingTool, toolStatus } from './helpers/server-tools.js'

const SIZES = [
  { bits: 2048, maxPayloadBytes: 190 },
  { bits: 3072, maxPayloadBytes: 318 },
  { bits: 4096, maxPayloadBytes: 446 },
] as const

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

/** Wraps Base64 into lines of `width` characters. */
function wrap(base64: string, width: number, eol = '\n'): string {
  return base64.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol)
}

/** Same key text as `text`, but never seen by the cache before (trailing blank lines are ignored by the parser). */
let fresh = 0
function uncached(text: string): string {
  return `${text}${'\n'.repeat(++fresh)}`
}

describe('encryptPayload round trips to the private key', () => {
  it.each(SIZES)('a PIN encrypted with a $bits-bit dashboard key decrypts with Node privateDecrypt', async ({ bits }) => {
    const { publicKey, privateKey } = testKeyPair(bits)
    const ciphertext = await encryptPayload('012345', publicKey)
    expect(ciphertext).toMatch(STANDARD_BASE64)
    expect(Buffer.from(ciphertext, 'base64')).toHaveLength(bits / 8)
    expect(nodeDecrypt(ciphertext, privateKey)).toBe('012345')
  })

  it('takes an imported FincodePublicKey as well as key text', async () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    const key = await importPublicKey(publicKey)
    expect(nodeDecrypt(await encryptPayload('pïn é🔒', key), privateKey)).toBe('pïn é🔒')
  })

  it('is randomised (OAEP): two encryptions of one value differ, and both decrypt to it', async () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    const [first, second] = await Promise.all([encryptPayload('1234', publicKey), encryptPayload('1234', publicKey)])
    expect(first).not.toBe(second)
    expect(nodeDecrypt(first, privateKey)).toBe('1234')
    expect(nodeDecrypt(second, privateKey)).toBe('1234')
  })
})

describe('importPublicKey describes the key', () => {
  it.each(SIZES)('a $bits-bit key has modulusLength $bits and maxPayloadBytes $maxPayloadBytes (k − 66)', async ({ bits, maxPayloadBytes }) => {
    const key = await importPublicKey(testKeyPair(bits).publicKey)
    expect(key.modulusLength).toBe(bits)
    expect(key.maxPayloadBytes).toBe(maxPayloadBytes)
  })

  it('holds a WebCrypto RSA-OAEP SHA-256 key usable only for encryption', async () => {
    const { cryptoKey } = await importPublicKey(testKeyPair(2048).publicKey)
    expect(cryptoKey.type).toBe('public')
    expect(cryptoKey.algorithm).toMatchObject({ name: 'RSA-OAEP', hash: { name: 'SHA-256' }, modulusLength: 2048 })
    expect(cryptoKey.usages).toEqual(['encrypt'])
  })

  it('is frozen, and spki is the DER the dashboard Base64 encodes, copied on every read', async () => {
    const { publicKey } = testKeyPair(2048)
    const key = await importPublicKey(publicKey)
    expect(Object.isFrozen(key)).toBe(true)
    expect(Buffer.from(key.spki).toString('base64')).toBe(publicKey)
    key.spki.fill(0)
    expect(Buffer.from(key.spki).toString('base64')).toBe(publicKey)
  })
})

describe('importPublicKey caches by key text', () => {
  it('returns the same FincodePublicKey object for the same text', async () => {
    const { publicKey } = testKeyPair(2048)
    expect(await importPublicKey(publicKey)).toBe(await importPublicKey(publicKey))
  })

  it('imports once, even for concurrent first calls from importPublicKey and encryptPayload', async () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    const text = uncached(publicKey)
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    const [keys, ciphertexts] = await Promise.all([
      Promise.all([importPublicKey(text), importPublicKey(text), importPublicKey(text)]),
      Promise.all([encryptPayload('1111', text), encryptPayload('2222', text)]),
    ])
    expect(importKey).toHaveBeenCalledTimes(1)
    expect(new Set(keys).size).toBe(1)
    expect(ciphertexts.map((c) => nodeDecrypt(c, privateKey))).toEqual(['1111', '2222'])

    await encryptPayload('3333', text)
    expect(importKey).toHaveBeenCalledTimes(1)
  })

  it('forgets a failed import, so the same text can be retried', async () => {
    const text = uncached(testKeyPair(2048).publicKey)
    vi.stubGlobal('crypto', undefined)
    await expect(importPublicKey(text)).rejects.toMatchObject({ code: 'ERR_WEBCRYPTO_UNAVAILABLE' })
    vi.unstubAllGlobals()
    const key = await importPublicKey(text)
    expect(key.modulusLength).toBe(2048)
  })
})

describe('importPublicKey accepts the key as users paste it', () => {
  const { publicKey, publicPem } = testKeyPair(2048)
  const crlfPem = publicPem.replace(/\n/g, '\r\n')
  const variants: [name: string, text: string][] = [
    ['one line of Base64, as the dashboard shows it', publicKey],
    ['PEM "BEGIN PUBLIC KEY"', publicPem],
    ['PEM with CRLF line ends', crlfPem],
    ['PEM with no line breaks inside', `-----BEGIN PUBLIC KEY-----${publicKey}-----END PUBLIC KEY-----`],
    ['Base64 wrapped at 64 columns', wrap(publicKey, 64)],
    ['Base64 wrapped at 76 columns (MIME)', wrap(publicKey, 76)],
    ['Base64 wrapped at 76 columns with CRLF', wrap(publicKey, 76, '\r\n')],
    ['Base64 with leading and trailing whitespace', `\n\t  ${publicKey}  \r\n\n`],
    ['PEM with leading and trailing whitespace', `  \r\n${crlfPem}\n\n `],
    ['Base64 with spaces and tabs anywhere', publicKey.replace(/(.{10})/g, '$1 \t')],
  ]

  it.each(variants)('%s, giving the same key and fingerprint', async (_name, text) => {
    const reference = await importPublicKey(publicKey)
    const key = await importPublicKey(text)
    expect(key.fingerprint).toBe(reference.fingerprint)
    expect(key.modulusLength).toBe(2048)
    expect(Buffer.from(key.spki).toString('base64')).toBe(publicKey)
  })
})

const openssl = await toolStatus('openssl')

describe.skipIf(skipMissingTool(openssl))(`the fingerprint is what OpenSSL prints (${openssl.detail})`, () => {
  it.each(SIZES)('for a $bits-bit key, equals `openssl pkey -pubin -outform DER | openssl dgst -sha256`', async ({ bits }) => {
    const { publicKey, publicPem } = testKeyPair(bits)
    const ran = spawnSync('bash', ['-o', 'pipefail', '-c', 'openssl pkey -pubin -outform DER | openssl dgst -sha256'], { input: publicPem, encoding: 'utf8', timeout: 30_000 })
    expect(ran.status, `${ran.error?.message ?? ''} ${ran.stderr}`).toBe(0)
    // "SHA2-256(stdin)= 3f…" (OpenSSL 3) or "(stdin)= 3f…" (1.1)
    const printed = /= ([0-9a-f]{64})\s*$/.exec(ran.stdout)?.[1]
    expect(printed).toBeDefined()
    const key = await importPublicKey(publicKey)
    expect(key.fingerprint).toBe(printed)
  })
})
