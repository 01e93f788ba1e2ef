// What `fincode-secure/java-default` does for a caller: the scheme object, its
// use through encryptPayload and encryptFields, limits and errors the same as the
// core's, a randomised and well-formed OAEP block, and wiped buffers. Decryption
// here is the Node reference (test/helpers/oaep-reference.ts); the real server
// tools are in java-default-interop.test.ts.
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { encryptFields, encryptPayload, importPublicKey, isFincodeSecureError, type FincodePublicKey } from '../src/index.js'
import { javaDefault } from '../src/java-default.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'
import { nextRandomValues, oaepUnmask, referenceDecrypt, rsaPrivateRaw } from './helpers/oaep-reference.js'

const decryptSha1 = (ciphertext: string, bits: 2048 | 3072 | 4096 = 2048) => referenceDecrypt(ciphertext, testKeyPair(bits).privateKey, 'sha1').toString('utf8')

/** The error code a promise rejects with, failing on an untyped error. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (!isFincodeSecureError(error)) throw error
    return error.code
  }
  throw new Error('expected a rejection')
}

// RSA key generation, 4096 bits above all, can take tens of seconds on a busy machine: do it up front.
beforeAll(() => {
  for (const bits of [2048, 3072, 4096, 1024] as const) testKeyPair(bits)
}, 300_000)
afterEach(() => vi.restoreAllMocks())

describe('the javaDefault scheme object', () => {
  test('names the variant Java’s default provider decrypts: SHA-256 label hash, MGF1 with SHA-1', () => {
    expect(javaDefault.name).toBe('RSA-OAEP-256-MGF1-SHA1')
    expect(javaDefault.hash).toBe('SHA-256')
    expect(javaDefault.mgf1Hash).toBe('SHA-1')
    expect(Object.isFrozen(javaDefault)).toBe(true)
  })

  test.each([2048, 3072, 4096] as const)('RSA-%i: encryptPayload({ scheme: javaDefault }) gives k bytes of standard Base64 that decrypt with MGF1-SHA-1', async (bits) => {
    const ciphertext = await encryptPayload('pïn é🔒 012345', testKeyPair(bits).publicKey, { scheme: javaDefault })
    expect(Buffer.from(ciphertext, 'base64')).toHaveLength(bits / 8)
    expect(ciphertext).toMatch(/^[A-Za-z0-9+/]+={0,2}$/)
    expect(decryptSha1(ciphertext, bits)).toBe('pïn é🔒 012345')
  })

  test('the ciphertext is not the default variant: SHA-256/MGF1-SHA-256 refuses it, and the default refuses MGF1-SHA-1', async () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    const javaStyle = await encryptPayload('123456', publicKey, { scheme: javaDefault })
    expect(() => nodeDecrypt(javaStyle, privateKey)).toThrow()
    const native = await encryptPayload('123456', publicKey)
    expect(nodeDecrypt(native, privateKey)).toBe('123456')
    expect(() => decryptSha1(native)).toThrow('OAEP decoding error')
  })

  test('OAEP is randomised: the same PIN twice gives two ciphertexts that both decrypt', async () => {
    const { publicKey } = testKeyPair(2048)
    const [a, b] = await Promise.all([1, 2].map(() => encryptPayload('0000', publicKey, { scheme: javaDefault })))
    expect(a).not.toBe(b)
    expect([decryptSha1(a!), decryptSha1(b!)]).toEqual(['0000', '0000'])
  })

  test('the work is cut into tasks: a callback queued after the call runs before the ciphertext is ready', async () => {
    const key = await importPublicKey(testKeyPair(2048).publicKey)
    await encryptPayload('0', key, { scheme: javaDefault }) // the label hash is now cached: no WebCrypto call is left to wait on
    const order: string[] = []
    const done = encryptPayload('1234', key, { scheme: javaDefault }).then(() => order.push('ciphertext'))
    setImmediate(() => order.push('other task'))
    await done
    expect(order).toEqual(['other task', 'ciphertext'])
  })

  test('a key passed as text, PEM or an imported FincodePublicKey all work', async () => {
    const { publicKey, publicPem } = testKeyPair(2048)
    for (const key of [publicKey, publicPem, await importPublicKey(publicKey)]) {
      expect(decryptSha1(await encryptPayload('4321', key, { scheme: javaDefault }))).toBe('4321')
    }
  })

  test('a key with a public exponent other than 65537 (here 3) works too', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 })
    const ciphertext = await encryptPayload('e=3', publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), { scheme: javaDefault })
    expect(referenceDecrypt(ciphertext, privateKey, 'sha1').toString()).toBe('e=3')
  })
})

describe('the OAEP block (RFC 8017 §7.1.1)', () => {
  test('EM = 0x00 ‖ maskedSeed ‖ maskedDB, DB = SHA-256("") ‖ zeros ‖ 0x01 ‖ M, the seed from crypto.getRandomValues', async () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    const seed = Buffer.alloc(32, 0xa5)
    nextRandomValues(seed)
    const em = rsaPrivateRaw(Buffer.from(await encryptPayload('PIN', publicKey, { scheme: javaDefault }), 'base64'), privateKey)
    expect(em[0]).toBe(0)
    const unmasked = oaepUnmask(em, 'sha1')
    expect(unmasked.seed.equals(seed)).toBe(true)
    const lHash = Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex') // SHA-256 of ""
    expect(unmasked.db.subarray(0, 32).equals(lHash)).toBe(true)
    expect(unmasked.db.subarray(32)).toEqual(Buffer.concat([Buffer.alloc(256 - 32 - 1 - 32 - 1 - 3), Buffer.from([1]), Buffer.from('PIN')]))
  })

  test('the seed buffer is wiped once the ciphertext is made', async () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues')
    await encryptPayload('246810', testKeyPair(2048).publicKey, { scheme: javaDefault })
    const seed = spy.mock.calls.at(-1)![0] as Uint8Array
    expect(seed).toHaveLength(32)
    expect([...seed].every((byte) => byte === 0)).toBe(true)
  })
})

describe('limits and errors: the same as the core', () => {
  test.each([
    [2048, 190],
    [3072, 318],
    [4096, 446],
  ] as const)('RSA-%i: %i bytes of UTF-8 encrypt, one more is ERR_PAYLOAD_TOO_LARGE', async (bits, max) => {
    const { publicKey } = testKeyPair(bits)
    expect(decryptSha1(await encryptPayload('é'.repeat(max / 2), publicKey, { scheme: javaDefault }), bits)).toBe('é'.repeat(max / 2))
    expect(await codeOf(encryptPayload('é'.repeat(max / 2) + 'x', publicKey, { scheme: javaDefault }))).toBe('ERR_PAYLOAD_TOO_LARGE')
  })

  test('a lone surrogate and a number are ERR_PAYLOAD_INVALID', async () => {
    const { publicKey } = testKeyPair(2048)
    expect(await codeOf(encryptPayload('12\ud83d', publicKey, { scheme: javaDefault }))).toBe('ERR_PAYLOAD_INVALID')
    expect(await codeOf(encryptPayload(123456 as unknown as string, publicKey, { scheme: javaDefault }))).toBe('ERR_PAYLOAD_INVALID')
  })

  test('bad keys end in the core’s codes', async () => {
    const { publicPem, privatePem } = testKeyPair(2048)
    const pkcs1 = createPublicKey(publicPem).export({ type: 'pkcs1', format: 'pem' }).toString()
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const small = testKeyPair(1024).publicKey
    const cases: [string, string][] = [
      ['', 'ERR_KEY_INVALID'],
      [pkcs1, 'ERR_KEY_INVALID'],
      [privatePem, 'ERR_KEY_PRIVATE'],
      [ec, 'ERR_KEY_UNSUPPORTED'],
      [small, 'ERR_KEY_TOO_SMALL'],
    ]
    for (const [key, code] of cases) expect(await codeOf(encryptPayload('1', key, { scheme: javaDefault }))).toBe(code)
  })

  test('called directly, the scheme checks the length and the key itself', async () => {
    const key = await importPublicKey(testKeyPair(2048).publicKey)
    expect(await codeOf(javaDefault.encrypt(key, new Uint8Array(191)))).toBe('ERR_PAYLOAD_TOO_LARGE')
    // Look-alike key objects (resolveKey accepts the shape): no SPKI bytes, or a 1024-bit SPKI under a 2048-bit limit.
    const noSpki = { cryptoKey: key.cryptoKey, maxPayloadBytes: 190 } as FincodePublicKey
    expect(await codeOf(encryptPayload('1', noSpki, { scheme: javaDefault }))).toBe('ERR_KEY_INVALID')
    const small = createPublicKey(testKeyPair(1024).publicPem).export({ type: 'spki', format: 'der' })
    const forged = { cryptoKey: key.cryptoKey, maxPayloadBytes: 190, spki: new Uint8Array(small) } as unknown as FincodePublicKey
    expect(await codeOf(encryptPayload('1', forged, { scheme: javaDefault }))).toBe('ERR_KEY_TOO_SMALL')
  })

  test('no error message contains the plaintext', async () => {
    const { publicKey } = testKeyPair(2048)
    const secret = 'S3cret-PIN-'.repeat(20)
    const error = await encryptPayload(secret, publicKey, { scheme: javaDefault }).catch((e: Error) => e)
    expect(isFincodeSecureError(error)).toBe(true)
    expect(String((error as Error).message)).not.toContain('S3cret')
  })
})

describe('encryptFields({ scheme: javaDefault })', () => {
  test('encrypts every sensitive field at any depth with MGF1-SHA-1 and leaves the rest alone', async () => {
    const { publicKey } = testKeyPair(2048)
    const body = { userId: 'u-1', transactionPin: '0123', profile: { securityAnswer: 'Zürich', tags: ['a'] }, steps: [{ newPassword: 'p@ss🔒' }] }
    const out = await encryptFields(body, publicKey, { scheme: javaDefault })
    expect(out.userId).toBe('u-1')
    expect(out.profile.tags).toEqual(['a'])
    expect(decryptSha1(out.transactionPin)).toBe('0123')
    expect(decryptSha1(out.profile.securityAnswer)).toBe('Zürich')
    expect(decryptSha1(out.steps[0]!.newPassword)).toBe('p@ss🔒')
    expect(body.transactionPin).toBe('0123') // the input is not modified
  })
})
