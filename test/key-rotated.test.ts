// The rotated-key answer: how a server tells its page "encrypt again" (KEY_ROTATED)
// or "retrying cannot help" (KEY_STALE), and how the page reads it back.
// The end-to-end runs against the sandbox are in test/forward.test.ts.
import { afterEach, describe, expect, test, vi } from 'vitest'
import { FincodeSecureError, isFincodeSecureError, isKeyRotatedAnswer, readKeyRotated, type KeyRotatedAnswer } from '../src/index.js'
import { FincodeApiError } from '../src/server/api-error.js'
import { keyRotatedAnswer, keyRotatedResponse } from '../src/server/index.js'
import { testKeyPair } from './helpers/keys.js'

const FINGERPRINT = 'ab'.repeat(32)
const rotated: KeyRotatedAnswer = { error: { code: 'KEY_ROTATED', message: 'rotated', fingerprint: FINGERPRINT } }
const stale: KeyRotatedAnswer = { error: { code: 'KEY_STALE', message: 'stale' } }
const json = (body: unknown, status = 409) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

/** The client's error for a 409 KEY_ROTATED, as createFincodeClient throws it. */
const clientRotated = () =>
  new FincodeApiError('ERR_KEY_ROTATED', 'POST /services/change-pin was refused: fields were encrypted with a key that has since been rotated.', {
    status: 409,
    serverCode: 'KEY_ROTATED',
    body: { error: { code: 'KEY_ROTATED' } },
    method: 'POST',
    path: '/services/change-pin',
  })

describe('isKeyRotatedAnswer', () => {
  test('true for both codes, with or without a fingerprint', () => {
    expect(isKeyRotatedAnswer(rotated)).toBe(true)
    expect(isKeyRotatedAnswer(stale)).toBe(true)
  })

  test.each([
    ['null', null],
    ['a string', 'KEY_ROTATED'],
    ['another code', { error: { code: 'PIN_INCORRECT', message: 'x' } }],
    ['no message', { error: { code: 'KEY_ROTATED' } }],
    ['a fingerprint that is not a string', { error: { code: 'KEY_ROTATED', message: 'x', fingerprint: 1 } }],
    ['the code at the top level', { code: 'KEY_ROTATED', message: 'x' }],
  ])('false for %s', (_, value) => {
    expect(isKeyRotatedAnswer(value)).toBe(false)
  })
})

describe('readKeyRotated (the page side, in fincode-secure)', () => {
  test('a 409 KEY_ROTATED response: ERR_KEY_ROTATED, read from a clone so the app can still read the body', async () => {
    const response = json(rotated)
    const error = await readKeyRotated(response)
    expect(error).toBeInstanceOf(FincodeSecureError)
    expect(error?.code).toBe('ERR_KEY_ROTATED')
    expect(error?.message).toMatch(/rotated while this form was open/)
    expect(error?.cause).toEqual(rotated)
    expect(await response.json()).toEqual(rotated)
  })

  test('a 409 KEY_STALE response: ERR_KEY_STALE, whose message says resubmitting cannot help', async () => {
    const error = await readKeyRotated(json(stale))
    expect(error?.code).toBe('ERR_KEY_STALE')
    expect(error?.message).toMatch(/Resubmitting cannot help/)
  })

  test('the plain object a Server Action returns', async () => {
    expect((await readKeyRotated(rotated))?.code).toBe('ERR_KEY_ROTATED')
    expect((await readKeyRotated(stale))?.code).toBe('ERR_KEY_STALE')
  })

  test.each([
    ['the answer with status 200', () => json(rotated, 200)],
    ['the answer with status 400', () => json(rotated, 400)],
    ['a 409 with another code', () => json({ error: { code: 'LABEL_TAKEN', message: 'x' } })],
    ['a 409 that is not JSON', () => new Response('<html>Conflict</html>', { status: 409 })],
    ['a 409 whose body was already read', () => {
      const r = json(rotated)
      void r.text()
      return r
    }],
    ['a successful Server Action result', () => ({ ok: true })],
    ['undefined', () => undefined],
  ])('null for %s', async (_, make) => {
    expect(await readKeyRotated(make())).toBeNull()
  })
})

describe('keyRotatedAnswer and keyRotatedResponse (fincode-secure/server)', () => {
  afterEach(() => vi.restoreAllMocks())

  test("the client's ERR_KEY_ROTATED becomes the KEY_ROTATED answer, and the page reads it back as ERR_KEY_ROTATED", async () => {
    const answer = keyRotatedAnswer(clientRotated())
    expect(answer).toEqual({ error: { code: 'KEY_ROTATED', message: expect.stringMatching(/encrypt the fields again/) } })
    expect((await readKeyRotated(answer))?.code).toBe('ERR_KEY_ROTATED')
  })

  test('keyRotatedResponse: 409, JSON, not cacheable; readKeyRotated turns it into ERR_KEY_ROTATED', async () => {
    const response = keyRotatedResponse(clientRotated())!
    expect(response.status).toBe(409)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect((await readKeyRotated(response))?.code).toBe('ERR_KEY_ROTATED')
  })

  test("the client's own ERR_KEY_STALE: KEY_STALE and one log line naming FINCODE_PUBLIC_KEY", () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line))
    const answer = keyRotatedAnswer(new FincodeSecureError('ERR_KEY_STALE', 'FinCode refused the key the client just fetched again.'))
    expect(answer?.error.code).toBe('KEY_STALE')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/Update FINCODE_PUBLIC_KEY to the current key from Settings → API Connections → Encryption Keys/)
  })

  test.each([
    ['a rejected token', new FincodeApiError('ERR_TOKEN_REJECTED', 'x', { status: 401, serverCode: 'TOKEN_EXPIRED', body: {}, method: 'POST', path: '/x' })],
    ['a network error', new FincodeSecureError('ERR_NETWORK' as never, 'x')],
    ['a plain Error', new Error('ERR_KEY_ROTATED')],
    ['an object that only looks like the code', { code: 'ERR_KEY_ROTATED' }],
    ['undefined', undefined],
  ])('null for %s (rethrow those), sync and async', async (_, error) => {
    expect(keyRotatedAnswer(error)).toBeNull()
    expect(keyRotatedResponse(error)).toBeNull()
    expect(await keyRotatedAnswer(error, { fingerprint: FINGERPRINT, publicKey: testKeyPair(2048).publicKey })).toBeNull()
  })

  test('an ERR_KEY_ROTATED from another copy of the library (another realm) is recognised by its name and code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'FincodeApiError', code: 'ERR_KEY_ROTATED', status: 409 })
    expect(isFincodeSecureError(foreign)).toBe(true)
    expect(keyRotatedAnswer(foreign)?.error.code).toBe('KEY_ROTATED')
  })

  test.each([
    ['no fingerprint', { publicKey: 'x' }],
    ['a fingerprint that is not 64 hex digits', { fingerprint: 'ABC', publicKey: 'x' }],
    ['no key source', { fingerprint: FINGERPRINT }],
    ['a log that is not a function', { fingerprint: FINGERPRINT, publicKey: 'x', log: 'console' }],
  ])('a check with %s rejects with ERR_CONFIG_INVALID or ERR_KEY_INVALID (never throws synchronously)', async (_, check) => {
    let promise: Promise<unknown> | undefined
    expect(() => (promise = keyRotatedAnswer(clientRotated(), check as never))).not.toThrow()
    await expect(promise).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_(CONFIG|KEY)_INVALID$/) })
  })
})
