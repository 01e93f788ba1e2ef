// Every bad input ends in a FincodeSecureError with its stable code: a rejected
// promise (never a synchronous throw, never an untyped error, never an
// unhandled rejection), a message that names the parameter, and no secret in it.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  encryptFields,
  encryptPayload,
  FincodeSecureError,
  importPublicKey,
  isFincodeSecureError,
  type EncryptionScheme,
  type FincodePublicKey,
  type FincodeSecureErrorCode,
} from '../src/index.js'
import { testKeyPair } from './helpers/keys.js'

const CODES: FincodeSecureErrorCode[] = [
  'ERR_KEY_INVALID',
  'ERR_KEY_PRIVATE',
  'ERR_KEY_UNSUPPORTED',
  'ERR_KEY_TOO_SMALL',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_PAYLOAD_INVALID',
  'ERR_WEBCRYPTO_UNAVAILABLE',
  'ERR_ENCRYPTION_FAILED',
]

/** A plaintext no message may ever contain. */
const SECRET = 'PIN-8317-secret'

// ------------------------------------------------------------------ fixtures

const rsa = testKeyPair(2048)
const rsaPublic = createPublicKey(rsa.publicPem)
const base64 = (der: Buffer) => der.toString('base64')
const pem = (label: string, der: Buffer) => `-----BEGIN ${label}-----\n${base64(der).match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`
const spkiDer = Buffer.from(rsa.publicKey, 'base64')

const exportKey = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1' | 'spki', format: 'pem' | 'der', encrypted = false): string => {
  const cipher = encrypted ? { cipher: 'aes-256-cbc', passphrase: 'correct horse' } : {}
  const out = (key as KeyObject & { export(o: object): Buffer | string }).export({ type, format, ...cipher })
  return typeof out === 'string' ? out : base64(out)
}

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const ed25519 = generateKeyPairSync('ed25519')
const rsaPss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
const rsa1024 = testKeyPair(1024)
const certificatePem = readFileSync(new URL('./fixtures/certificate.pem', import.meta.url), 'utf8')
const certificateBase64 = certificatePem.replace(/-----[A-Z ]+-----|\s/g, '')

/** Reproducible "random" bytes: SHA-512 in counter mode. */
function noise(length: number): Buffer {
  const blocks = Array.from({ length: Math.ceil(length / 64) }, (_, i) => createHash('sha512').update(`bad-inputs ${i}`).digest())
  return Buffer.concat(blocks).subarray(0, length)
}

// ------------------------------------------------------------------ how a failure must look

/** Runs `call`, which must return a promise that rejects with a FincodeSecureError. */
async function failure(call: () => unknown): Promise<FincodeSecureError> {
  let result: unknown
  expect(() => (result = call()), 'threw synchronously instead of rejecting').not.toThrow()
  expect(result).toBeInstanceOf(Promise)
  const outcome = await (result as Promise<unknown>).then(
    (value) => ({ settled: 'resolved' as const, value }),
    (error: unknown) => ({ settled: 'rejected' as const, error }),
  )
  if (outcome.settled === 'resolved') return expect.unreachable(`resolved with ${String(outcome.value).slice(0, 40)} instead of rejecting`)
  const error = outcome.error
  expect(error, `untyped error: ${String(error)}`).toBeInstanceOf(FincodeSecureError)
  expect(isFincodeSecureError(error)).toBe(true)
  expect((error as FincodeSecureError).name).toBe('FincodeSecureError')
  expect(CODES).toContain((error as FincodeSecureError).code)
  return error as FincodeSecureError
}

/** Long inputs (keys) must not be echoed either: no 16-character piece of their Base64 body may appear. */
function expectNoEcho(message: string, input: unknown): void {
  expect(message).not.toContain(SECRET)
  if (typeof input !== 'string') return
  const body = input.replace(/-----[A-Z0-9 ]+-----|\s/g, '')
  if (body.length < 64) return
  for (const at of [20, Math.floor(body.length / 2), body.length - 20]) expect(message).not.toContain(body.slice(at - 16, at))
}

// Counted for the whole file; checked by the last test.
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeAll(() => void process.on('unhandledRejection', onUnhandled))
afterAll(() => void process.off('unhandledRejection', onUnhandled))
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

// ------------------------------------------------------------------ the key

interface Row {
  name: string
  input: unknown
  code: FincodeSecureErrorCode
  /** What else the message must say, beyond naming publicKey. */
  says?: RegExp
}

const keyCorpus: Row[] = [
  // Not a key at all
  { name: 'an empty string', input: '', code: 'ERR_KEY_INVALID', says: /empty/ },
  { name: 'whitespace only', input: ' \r\n\t \n', code: 'ERR_KEY_INVALID', says: /empty/ },
  { name: 'text that is not Base64', input: 'paste the key here!', code: 'ERR_KEY_INVALID', says: /has "!", not standard Base64/ },
  { name: 'Base64 of random bytes', input: base64(noise(294)), code: 'ERR_KEY_INVALID', says: /not an SPKI "PUBLIC KEY"/ },
  { name: 'the key in URL-safe Base64 (base64url)', input: rsa.publicKey.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), code: 'ERR_KEY_INVALID', says: /URL-safe/ },
  // Damaged keys
  { name: 'DER cut short (Base64 cut at a 4-character boundary)', input: rsa.publicKey.slice(0, 200), code: 'ERR_KEY_INVALID', says: /cut short/ },
  { name: 'Base64 cut in the middle of a group', input: rsa.publicKey.slice(0, 201), code: 'ERR_KEY_INVALID', says: /cut short/ },
  { name: 'bytes appended to the DER', input: base64(Buffer.concat([spkiDer, Buffer.from([0x05, 0x00, 0x00])])), code: 'ERR_KEY_INVALID', says: /extra bytes/ },
  { name: 'text after the PEM END line', input: `${rsa.publicPem}Comment: exported from the dashboard\n`, code: 'ERR_KEY_INVALID', says: /malformed PEM block \(or text around it\)/ },
  { name: 'a PEM block with no END line', input: rsa.publicPem.replace(/-----END PUBLIC KEY-----\s*$/, ''), code: 'ERR_KEY_INVALID', says: /PEM/ },
  { name: 'a PEM block whose END label differs', input: rsa.publicPem.replace('END PUBLIC KEY', 'END RSA PUBLIC KEY'), code: 'ERR_KEY_INVALID', says: /PEM/ },
  // Public, but the wrong container
  { name: 'PKCS#1 "BEGIN RSA PUBLIC KEY" PEM', input: exportKey(rsaPublic, 'pkcs1', 'pem'), code: 'ERR_KEY_INVALID', says: /PKCS#1[\s\S]*"PUBLIC KEY"/ },
  { name: 'PKCS#1 RSAPublicKey DER as Base64', input: exportKey(rsaPublic, 'pkcs1', 'der'), code: 'ERR_KEY_INVALID', says: /PKCS#1[\s\S]*"PUBLIC KEY"/ },
  { name: 'a certificate PEM', input: certificatePem, code: 'ERR_KEY_INVALID', says: /CERTIFICATE/ },
  { name: 'a certificate as Base64 DER', input: certificateBase64, code: 'ERR_KEY_INVALID', says: /not an SPKI "PUBLIC KEY"/ },
  // Private keys, in every form
  { name: 'PKCS#8 "PRIVATE KEY" PEM', input: rsa.privatePem, code: 'ERR_KEY_PRIVATE' },
  { name: 'PKCS#8 DER as Base64', input: exportKey(rsa.privateKey, 'pkcs8', 'der'), code: 'ERR_KEY_PRIVATE' },
  { name: 'PKCS#1 "RSA PRIVATE KEY" PEM', input: exportKey(rsa.privateKey, 'pkcs1', 'pem'), code: 'ERR_KEY_PRIVATE' },
  { name: 'PKCS#1 RSAPrivateKey DER as Base64', input: exportKey(rsa.privateKey, 'pkcs1', 'der'), code: 'ERR_KEY_PRIVATE' },
  { name: 'encrypted PKCS#8 "ENCRYPTED PRIVATE KEY" PEM', input: exportKey(rsa.privateKey, 'pkcs8', 'pem', true), code: 'ERR_KEY_PRIVATE' },
  { name: 'encrypted PKCS#8 DER as Base64', input: exportKey(rsa.privateKey, 'pkcs8', 'der', true), code: 'ERR_KEY_PRIVATE' },
  { name: 'an EC "EC PRIVATE KEY" (SEC1) PEM', input: exportKey(ec.privateKey, 'sec1', 'pem'), code: 'ERR_KEY_PRIVATE' },
  { name: 'an EC SEC1 private key as Base64 DER', input: exportKey(ec.privateKey, 'sec1', 'der'), code: 'ERR_KEY_PRIVATE' },
  { name: 'an EC PKCS#8 private key PEM', input: exportKey(ec.privateKey, 'pkcs8', 'pem'), code: 'ERR_KEY_PRIVATE' },
  { name: 'an Ed25519 PKCS#8 private key as Base64 DER', input: exportKey(ed25519.privateKey, 'pkcs8', 'der'), code: 'ERR_KEY_PRIVATE' },
  { name: 'PKCS#8 DER mislabelled "BEGIN PUBLIC KEY"', input: pem('PUBLIC KEY', rsa.privateKey.export({ type: 'pkcs8', format: 'der' })), code: 'ERR_KEY_PRIVATE' },
  { name: 'a key file holding the private PEM, then the public one', input: rsa.privatePem + rsa.publicPem, code: 'ERR_KEY_PRIVATE' },
  { name: 'a key file holding the public PEM, then the private one', input: rsa.publicPem + rsa.privatePem, code: 'ERR_KEY_PRIVATE' },
  // Well-formed SPKI, but not an RSA key FinCode can use
  { name: 'an EC P-256 SPKI as Base64', input: exportKey(ec.publicKey, 'spki', 'der'), code: 'ERR_KEY_UNSUPPORTED', says: /not an RSA key/ },
  { name: 'an EC P-256 SPKI PEM', input: exportKey(ec.publicKey, 'spki', 'pem'), code: 'ERR_KEY_UNSUPPORTED', says: /not an RSA key/ },
  { name: 'an Ed25519 SPKI', input: exportKey(ed25519.publicKey, 'spki', 'der'), code: 'ERR_KEY_UNSUPPORTED', says: /not an RSA/ },
  { name: 'an RSA-PSS SPKI (id-RSASSA-PSS, not rsaEncryption)', input: exportKey(rsaPss.publicKey, 'spki', 'der'), code: 'ERR_KEY_UNSUPPORTED', says: /RSA-OAEP/ },
  { name: 'a 1024-bit RSA SPKI as Base64', input: rsa1024.publicKey, code: 'ERR_KEY_TOO_SMALL', says: /1024-bit[\s\S]*2048/ },
  { name: 'a 1024-bit RSA SPKI PEM', input: rsa1024.publicPem, code: 'ERR_KEY_TOO_SMALL', says: /1024-bit/ },
  // Not text
  { name: 'a number', input: 42, code: 'ERR_KEY_INVALID', says: /got number/ },
  { name: 'null', input: null, code: 'ERR_KEY_INVALID', says: /got null/ },
  { name: 'undefined', input: undefined, code: 'ERR_KEY_INVALID', says: /got undefined/ },
  { name: 'an empty object', input: {}, code: 'ERR_KEY_INVALID', says: /got object/ },
  { name: 'an array holding the key', input: [rsa.publicKey], code: 'ERR_KEY_INVALID', says: /got object/ },
]

describe('bad keys: importPublicKey and encryptPayload reject with the code', () => {
  it('the corpus covers at least 30 inputs and every key code', () => {
    expect(keyCorpus.length).toBeGreaterThanOrEqual(30)
    expect(new Set(keyCorpus.map((row) => row.code))).toEqual(new Set(['ERR_KEY_INVALID', 'ERR_KEY_PRIVATE', 'ERR_KEY_UNSUPPORTED', 'ERR_KEY_TOO_SMALL']))
  })

  it.each(keyCorpus)('$name → $code', async ({ input, code, says }) => {
    for (const call of [() => importPublicKey(input as string), () => encryptPayload(SECRET, input as string)]) {
      const error = await failure(call)
      expect(error.code).toBe(code)
      expect(error.message).toMatch(/publicKey/)
      if (says) expect(error.message).toMatch(says)
      expectNoEcho(error.message, input)
    }
  })

  it('a private key is refused with a warning that it must never reach a client', async () => {
    const error = await failure(() => importPublicKey(rsa.privatePem))
    expect(error.message).toMatch(/must never reach a client/)
  })

  it('a key text error says where to find the right key', async () => {
    const error = await failure(() => importPublicKey(exportKey(rsaPublic, 'pkcs1', 'pem')))
    expect(error.message).toMatch(/copy the "PUBLIC KEY" from Settings/)
  })
})

// ------------------------------------------------------------------ the payload

const payloadCorpus: Row[] = [
  { name: 'a number (a PIN would lose its leading zeros)', input: 123456, code: 'ERR_PAYLOAD_INVALID', says: /must be a non-empty string, got number/ },
  { name: 'an empty string (nothing to encrypt; WebKit refuses it too)', input: '', code: 'ERR_PAYLOAD_INVALID', says: /non-empty string, got an empty one/ },
  { name: 'null', input: null, code: 'ERR_PAYLOAD_INVALID', says: /got null/ },
  { name: 'undefined', input: undefined, code: 'ERR_PAYLOAD_INVALID', says: /got undefined/ },
  { name: 'an object', input: { pin: SECRET }, code: 'ERR_PAYLOAD_INVALID', says: /got object/ },
  { name: 'a lone high surrogate', input: `${SECRET}\uD83D`, code: 'ERR_PAYLOAD_INVALID', says: /unpaired UTF-16 surrogate/ },
  { name: 'a lone low surrogate', input: `\uDD12${SECRET}`, code: 'ERR_PAYLOAD_INVALID', says: /unpaired UTF-16 surrogate/ },
  { name: 'a surrogate pair in the wrong order', input: `${SECRET}\uDD12\uD83D`, code: 'ERR_PAYLOAD_INVALID', says: /unpaired/ },
  { name: '191 bytes for a 2048-bit key', input: SECRET.padEnd(191, '!'), code: 'ERR_PAYLOAD_TOO_LARGE', says: /191 bytes[\s\S]*190/ },
]

describe('bad payloads: encryptPayload rejects with the code', () => {
  it.each(payloadCorpus)('$name → $code', async ({ input, code, says }) => {
    const error = await failure(() => encryptPayload(input as string, rsa.publicKey))
    expect(error.code).toBe(code)
    expect(error.message).toMatch(/payload/)
    if (says) expect(error.message).toMatch(says)
    expectNoEcho(error.message, input)
  })

  it('a lone surrogate is refused even though TextEncoder would quietly send U+FFFD', async () => {
    expect(new TextEncoder().encode('\uD83D')).toEqual(new Uint8Array([0xef, 0xbf, 0xbd]))
    expect((await failure(() => encryptPayload('\uD83D', rsa.publicKey))).code).toBe('ERR_PAYLOAD_INVALID')
  })
})

// ------------------------------------------------------------------ the environment and WebCrypto

describe('WebCrypto missing or failing', () => {
  let fresh = 0
  const uncachedKey = () => `${rsa.publicKey}${' '.repeat(++fresh)}`

  it('no globalThis.crypto → ERR_WEBCRYPTO_UNAVAILABLE, saying pages need https or localhost', async () => {
    vi.stubGlobal('crypto', undefined)
    for (const call of [() => importPublicKey(uncachedKey()), () => encryptPayload(SECRET, uncachedKey())]) {
      const error = await failure(call)
      expect(error.code).toBe('ERR_WEBCRYPTO_UNAVAILABLE')
      expect(error.message).toMatch(/crypto\.subtle/)
      expect(error.message).toMatch(/https:\/\/[\s\S]*localhost/)
      expectNoEcho(error.message, SECRET)
    }
  })

  it('crypto without subtle (a plain-http page) → ERR_WEBCRYPTO_UNAVAILABLE', async () => {
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) })
    expect((await failure(() => importPublicKey(uncachedKey()))).code).toBe('ERR_WEBCRYPTO_UNAVAILABLE')
  })

  it('an already imported key with WebCrypto gone → ERR_WEBCRYPTO_UNAVAILABLE, not a TypeError', async () => {
    const key = await importPublicKey(rsa.publicKey)
    vi.stubGlobal('crypto', undefined)
    expect((await failure(() => encryptPayload(SECRET, key))).code).toBe('ERR_WEBCRYPTO_UNAVAILABLE')
    expect((await failure(() => encryptPayload(SECRET, rsa.publicKey))).code).toBe('ERR_WEBCRYPTO_UNAVAILABLE')
  })

  it('a scheme whose encrypt throws → ERR_ENCRYPTION_FAILED, keeping the error as cause', async () => {
    const boom = new Error('provider exploded')
    const throwing: EncryptionScheme = { name: 'RSA-OAEP-256', hash: 'SHA-256', mgf1Hash: 'SHA-256', encrypt: () => { throw boom } }
    const rejecting: EncryptionScheme = { ...throwing, encrypt: () => Promise.reject(boom) }
    for (const scheme of [throwing, rejecting]) {
      const error = await failure(() => encryptPayload(SECRET, rsa.publicKey, { scheme }))
      expect(error.code).toBe('ERR_ENCRYPTION_FAILED')
      expect(error.message).toMatch(/RSA-OAEP-256 encryption failed/)
      expect(error.cause).toBe(boom)
      expectNoEcho(error.message, SECRET)
    }
  })

  it('a CryptoKey without the encrypt usage → ERR_ENCRYPTION_FAILED, with WebCrypto\'s InvalidAccessError as cause', async () => {
    const imported = await importPublicKey(rsa.publicKey)
    const wrapOnly = await crypto.subtle.importKey('spki', spkiDer, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['wrapKey'])
    const key: FincodePublicKey = { ...imported, spki: imported.spki, cryptoKey: wrapOnly }
    const error = await failure(() => encryptPayload(SECRET, key))
    expect(error.code).toBe('ERR_ENCRYPTION_FAILED')
    expect(error.cause).toMatchObject({ name: 'InvalidAccessError' })
  })

  it('a forged FincodePublicKey whose cryptoKey is not a CryptoKey → ERR_ENCRYPTION_FAILED', async () => {
    const forged = { cryptoKey: {}, modulusLength: 2048, maxPayloadBytes: 190, fingerprint: '', spki: new Uint8Array() } as unknown as FincodePublicKey
    expect((await failure(() => encryptPayload(SECRET, forged))).code).toBe('ERR_ENCRYPTION_FAILED')
  })
})

// ------------------------------------------------------------------ encryptFields

const fieldsCorpus: (Row & { options?: unknown })[] = [
  { name: 'a number PIN', input: { cardId: 'c-1', transactionPin: 1234 }, code: 'ERR_PAYLOAD_INVALID', says: /body\.transactionPin is number[\s\S]*strings/ },
  { name: 'a number PIN deep in an array', input: { users: [{ name: 'a' }, { userPin: 12 }] }, code: 'ERR_PAYLOAD_INVALID', says: /body\.users\[1\]\.userPin is number/ },
  { name: 'null in a sensitive field', input: { newPassword: null }, code: 'ERR_PAYLOAD_INVALID', says: /body\.newPassword is null/ },
  { name: 'an object in a sensitive field', input: { securityAnswer: { text: SECRET } }, code: 'ERR_PAYLOAD_INVALID', says: /body\.securityAnswer is object/ },
  { name: 'a lone surrogate in a sensitive field', input: { profile: { securityAnswer: `${SECRET}\uD800` } }, code: 'ERR_PAYLOAD_INVALID', says: /body\.profile\.securityAnswer: payload has an unpaired/ },
  { name: 'a sensitive field over the limit', input: { currentPassword: SECRET.repeat(20) }, code: 'ERR_PAYLOAD_TOO_LARGE', says: /body\.currentPassword: payload is 300 bytes[\s\S]*190/ },
  { name: 'options.fields as a string', input: { transactionPin: SECRET }, options: { fields: 'transactionPin' }, code: 'ERR_PAYLOAD_INVALID', says: /options\.fields must be an array/ },
  { name: 'options.fields holding a number', input: { transactionPin: SECRET }, options: { fields: ['transactionPin', 7] }, code: 'ERR_PAYLOAD_INVALID', says: /options\.fields/ },
  { name: 'options.fields holding an empty name', input: { transactionPin: SECRET }, options: { fields: [''] }, code: 'ERR_PAYLOAD_INVALID', says: /options\.fields/ },
]

describe('bad bodies: encryptFields rejects with the code and the path of the field', () => {
  it.each(fieldsCorpus)('$name → $code', async ({ input, options, code, says }) => {
    const error = await failure(() => encryptFields(input, rsa.publicKey, options as never))
    expect(error.code).toBe(code)
    if (says) expect(error.message).toMatch(says)
    expectNoEcho(error.message, input)
  })

  it('a body that refers back to itself → ERR_PAYLOAD_INVALID naming where', async () => {
    const body: Record<string, unknown> = { transactionPin: SECRET, account: { owner: {} } }
    ;(body.account as { owner: Record<string, unknown> }).owner.back = body
    const error = await failure(() => encryptFields(body, rsa.publicKey))
    expect(error.code).toBe('ERR_PAYLOAD_INVALID')
    expect(error.message).toMatch(/body\.account\.owner\.back refers back to itself/)
    expectNoEcho(error.message, SECRET)
  })

  it('a bad key → the key code, before any field is looked at', async () => {
    const error = await failure(() => encryptFields({ transactionPin: SECRET }, rsa.privatePem))
    expect(error.code).toBe('ERR_KEY_PRIVATE')
  })

  it('a bad field stops the call before any encryption starts', async () => {
    const encrypt = vi.spyOn(crypto.subtle, 'encrypt')
    await failure(() => encryptFields({ newPassword: SECRET, profile: { userPin: 1234 } }, rsa.publicKey))
    expect(encrypt).not.toHaveBeenCalled()
  })
})

describe('after all of the above', () => {
  it('no promise was left rejected with nobody listening', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(unhandled).toEqual([])
  })
})
