// Property-based: whatever Unicode text a user types, if it fits in the key's
// limit (in UTF-8 bytes) the server gets exactly it back; if not, the call is
// refused with ERR_PAYLOAD_TOO_LARGE; a lone surrogate anywhere is refused.
// Runs are kept modest (the machines have 2 cores); fast-check prints the seed
// of any failure so it can be replayed.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encryptPayload, FincodeSecureError, importPublicKey } from '../src/index.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'

const { publicKey, privateKey } = testKeyPair(2048)
const LIMIT = 190
const RUNS = 200
const utf8Length = (text: string) => new TextEncoder().encode(text).length

// Printable graphemes (combining sequences, emoji ZWJ sequences, CJK…) and raw
// code points from the whole Unicode range (controls, noncharacters, astral planes).
// size 'medium' so lengths spread up to and past the limit (the default stays near 10 units).
const unicodeText = (maxLength: number) =>
  fc.oneof(
    ...(['grapheme', 'binary', 'grapheme-composite'] as const).map((unit) => fc.string({ unit, minLength: 1, maxLength, size: 'medium' })),
  )

/** The longest prefix, in whole code points, that fits in `limit` bytes: puts many cases right at the limit. */
function truncateToBytes(text: string, limit: number): string {
  let out = ''
  for (const point of text) {
    if (utf8Length(out + point) > limit) break
    out += point
  }
  return out
}

async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof FincodeSecureError ? error.code : `untyped: ${String(error)}`),
  )
}

describe('any Unicode text', () => {
  it(`within ${LIMIT} UTF-8 bytes round-trips through Node privateDecrypt exactly`, async () => {
    const key = await importPublicKey(publicKey)
    let atLimit = 0
    await fc.assert(
      fc.asyncProperty(
        unicodeText(80).map((text) => truncateToBytes(text, LIMIT)),
        async (text) => {
          if (utf8Length(text) > LIMIT - 4) atLimit++
          const ciphertext = await encryptPayload(text, key)
          expect(Buffer.from(ciphertext, 'base64')).toHaveLength(256)
          expect(nodeDecrypt(ciphertext, privateKey)).toBe(text)
        },
      ),
      { numRuns: RUNS },
    )
    // The generator must really reach the boundary, not just short strings.
    expect(atLimit).toBeGreaterThan(RUNS / 10)
  })

  it(`over ${LIMIT} UTF-8 bytes is refused with ERR_PAYLOAD_TOO_LARGE giving its byte count`, async () => {
    await fc.assert(
      fc.asyncProperty(
        // Random text, topped up with ASCII until it is over the limit.
        unicodeText(120).map((text) => text + 'x'.repeat(Math.max(0, LIMIT + 1 - utf8Length(text)))),
        async (text) => {
          const error = await encryptPayload(text, publicKey).then(
            () => expect.unreachable('encrypted an oversized payload'),
            (e: unknown) => e as FincodeSecureError,
          )
          expect(error).toBeInstanceOf(FincodeSecureError)
          expect(error.code).toBe('ERR_PAYLOAD_TOO_LARGE')
          expect(error.message).toContain(`payload is ${utf8Length(text)} bytes`)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('with a lone surrogate inserted anywhere is refused with ERR_PAYLOAD_INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        async (text, at, unit) => {
          // Insert between code points (never inside a pair), and not next to a half that would complete it.
          const points = [...text]
          const i = at % (points.length + 1)
          const lone = String.fromCharCode(unit)
          const candidate = [...points.slice(0, i), lone, ...points.slice(i)].join('')
          fc.pre(/\p{Cs}/u.test(candidate))
          expect(await rejectionCode(encryptPayload(candidate, publicKey))).toBe('ERR_PAYLOAD_INVALID')
        },
      ),
      { numRuns: RUNS },
    )
  })
})
