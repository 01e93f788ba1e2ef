// The payload limit: k − 66 bytes of UTF-8 (190 for RSA-2048, 318 for 3072,
// 446 for 4096), checked before WebCrypto is called, because Chromium's own
// error for an oversized payload is an OperationError with an empty message.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encryptPayload, FincodeSecureError } from '../src/index.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'

afterEach(() => vi.restoreAllMocks())

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<FincodeSecureError> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(FincodeSecureError)
  return error as FincodeSecureError
}

describe.each([
  { bits: 2048, limit: 190 },
  { bits: 3072, limit: 318 },
  { bits: 4096, limit: 446 },
] as const)('with a $bits-bit key the limit is $limit bytes', ({ bits, limit }) => {
  const { publicKey, privateKey } = testKeyPair(bits)

  it(`encrypts exactly ${limit} bytes, and they decrypt`, async () => {
    const payload = 'p'.repeat(limit)
    expect(nodeDecrypt(await encryptPayload(payload, publicKey), privateKey)).toBe(payload)
  })

  it(`refuses ${limit + 1} bytes with ERR_PAYLOAD_TOO_LARGE naming both numbers, without calling WebCrypto`, async () => {
    const encrypt = vi.spyOn(crypto.subtle, 'encrypt')
    const error = await rejection(encryptPayload('p'.repeat(limit + 1), publicKey))
    expect(error.code).toBe('ERR_PAYLOAD_TOO_LARGE')
    expect(error.message).toContain(`payload is ${limit + 1} bytes`)
    expect(error.message).toContain(`at most ${limit}`)
    expect(error.message).toContain(`${bits}-bit key`)
    expect(encrypt).not.toHaveBeenCalled()
  })
})

describe('the limit counts UTF-8 bytes, not characters', () => {
  const { publicKey, privateKey } = testKeyPair(2048)

  it.each([
    { unit: '€', bytes: 3, fits: 63 },
    { unit: 'ü', bytes: 2, fits: 95 },
    { unit: '🔒', bytes: 4, fits: 47 },
  ])('$fits × $unit ($bytes bytes each) fits in 190 bytes and decrypts; one more does not', async ({ unit, bytes, fits }) => {
    const fitting = unit.repeat(fits)
    expect(Buffer.byteLength(fitting)).toBe(fits * bytes)
    expect(nodeDecrypt(await encryptPayload(fitting, publicKey), privateKey)).toBe(fitting)

    const over = unit.repeat(fits + 1)
    // Far fewer than 190 characters (UTF-16 code units), yet too large.
    expect(over.length).toBeLessThan(190)
    const error = await rejection(encryptPayload(over, publicKey))
    expect(error.code).toBe('ERR_PAYLOAD_TOO_LARGE')
    expect(error.message).toContain(`payload is ${(fits + 1) * bytes} bytes`)
    expect(error.message).toContain('at most 190')
  })

  it("fits 189 bytes ('€' × 63) plus one ASCII byte, but not plus one 'ü'", async () => {
    await expect(encryptPayload(`${'€'.repeat(63)}x`, publicKey)).resolves.toBeTypeOf('string')
    await expect(encryptPayload(`${'€'.repeat(63)}ü`, publicKey)).rejects.toMatchObject({ code: 'ERR_PAYLOAD_TOO_LARGE' })
  })
})

describe('no limit message contains the payload', () => {
  const { publicKey } = testKeyPair(2048)
  const secrets = [
    `secret-answer-${'x'.repeat(200)}`,
    `pïn-🔒-${'€'.repeat(70)}`,
    'S3cr3t!'.repeat(30),
  ]

  it.each(secrets.map((s) => [s.slice(0, 12), s]))('not even a piece of it (%s…)', async (_label, secret) => {
    const error = await rejection(encryptPayload(secret, publicKey))
    expect(error.code).toBe('ERR_PAYLOAD_TOO_LARGE')
    for (const piece of [secret.slice(0, 6), secret.slice(20, 26), secret.slice(-6)]) expect(error.message).not.toContain(piece)
    expect(String(error.stack)).not.toContain(secret.slice(0, 12))
  })
})
