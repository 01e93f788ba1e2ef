// The hardening issue, case by case: what an independent review found escaping,
// and the behaviour now wanted. Nothing sensitive leaves in plaintext, and every
// hostile input gets a typed answer (a rejected promise, never a synchronous
// throw, never a RangeError or TypeError).
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { MAX_NESTING } from '../src/_limits.js'
import { encryptFields, encryptPayload, FincodeSecureError, importPublicKey } from '../src/index.js'
import { createFincodeClient, type FincodeClientOptions, type OutgoingRequest } from '../src/server/index.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'
import { spkiWithExponent } from './helpers/rsa-spki.js'
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

const { publicKey, publicPem, privateKey } = testKeyPair(2048)
const TOKEN = 'fcs_hardening_token_0123456789abcdef'

/** `call()` must return a promise that rejects with a FincodeSecureError; returns it. */
async function rejection(call: () => unknown): Promise<FincodeSecureError> {
  let result: unknown
  expect(() => (result = call()), 'threw synchronously instead of rejecting').not.toThrow()
  const error = await (result as Promise<unknown>).then(
    () => expect.unreachable('resolved instead of rejecting'),
    (e: unknown) => e,
  )
  expect(error, `untyped: ${String(error)}`).toBeInstanceOf(FincodeSecureError)
  return error as FincodeSecureError
}

/** A body nested `levels` objects deep (the body itself is the first), with a PIN at the bottom. */
function nested(levels: number, pin = '1234'): Record<string, unknown> {
  let body: Record<string, unknown> = { userPin: pin }
  for (let i = 1; i < levels; i++) body = { a: body }
  return body
}

class ChangePinRequest {
  constructor(
    private readonly current: string,
    private readonly next: string,
  ) {}
  toJSON() {
    return { userPin: this.current, transactionPin: this.next, requestedAt: new Date('2026-01-02T03:04:05Z') }
  }
}

describe('toJSON is applied as JSON.stringify applies it, and its result is walked', () => {
  it('a DTO class with toJSON: its sensitive fields are encrypted, and no plaintext is left', async () => {
    const out = (await encryptFields({ request: new ChangePinRequest('482913', '918273') }, publicKey)) as unknown as {
      request: { userPin: string; transactionPin: string; requestedAt: string }
    }
    expect(nodeDecrypt(out.request.userPin, privateKey)).toBe('482913')
    expect(nodeDecrypt(out.request.transactionPin, privateKey)).toBe('918273')
    expect(out.request.requestedAt).toBe('2026-01-02T03:04:05.000Z')
    expect(JSON.stringify(out)).not.toMatch(/482913|918273/)
  })

  it('the body itself may have toJSON, and toJSON receives the key as JSON.stringify passes it', async () => {
    const seen: string[] = []
    const part = { toJSON: (key: string) => (seen.push(key), { securityAnswer: `answer for ${key}` }) }
    const out = await encryptFields({ toJSON: (key: string) => (seen.push(`root:${key}`), { first: part, list: [part] }) }, publicKey)
    expect(seen).toEqual(['root:', 'first', '0'])
    JSON.stringify({ toJSON: () => ({ first: part, list: [part] }) })
    expect(seen.slice(3)).toEqual(['first', '0']) // JSON.stringify passes the same keys
    const copy = out as unknown as { first: { securityAnswer: string }; list: { securityAnswer: string }[] }
    expect(nodeDecrypt(copy.first.securityAnswer, privateKey)).toBe('answer for first')
    expect(nodeDecrypt(copy.list[0]!.securityAnswer, privateKey)).toBe('answer for 0')
  })

  it('a Date is never refused: it becomes its ISO string, as JSON would send it', async () => {
    const when = new Date('2025-05-06T07:08:09.010Z')
    const out = await encryptFields({ at: when, list: [when], userPin: '0001' }, publicKey)
    expect(out).toMatchObject({ at: '2025-05-06T07:08:09.010Z', list: ['2025-05-06T07:08:09.010Z'] })
  })

  it('a sensitive field holding a String object or a value with toJSON is encrypted, not sent as it serialises', async () => {
    const out = await encryptFields({ userPin: new String('7777'), transactionPin: { toJSON: () => '8888' } }, publicKey)
    expect(nodeDecrypt(out.userPin as unknown as string, privateKey)).toBe('7777')
    expect(nodeDecrypt(out.transactionPin as unknown as string, privateKey)).toBe('8888')
  })

  it('the copy is what JSON.stringify would write: functions and undefined dropped, NaN as null, boxed values unwrapped', async () => {
    const body = { f: () => 1, u: undefined, n: Number.NaN, b: new Boolean(false), s: new String('x'), arr: [undefined, () => 1, Infinity] }
    const out = await encryptFields(body, publicKey)
    expect(out).toEqual(JSON.parse(JSON.stringify(body)))
    expect(JSON.stringify(out)).toBe(JSON.stringify(body))
  })
})

describe(`one depth limit: ${MAX_NESTING} nested objects and arrays`, () => {
  it(`${MAX_NESTING} levels are encrypted; ${MAX_NESTING + 1} are ERR_PAYLOAD_INVALID naming the path`, async () => {
    const out = JSON.stringify(await encryptFields(nested(MAX_NESTING), publicKey))
    expect(out).not.toContain('1234')
    const error = await rejection(() => encryptFields(nested(MAX_NESTING + 1), publicKey))
    expect(error.code).toBe('ERR_PAYLOAD_INVALID')
    expect(error.message).toBe(`body${'.a'.repeat(MAX_NESTING)} is nested ${MAX_NESTING + 1} objects and arrays deep; a request body may nest at most ${MAX_NESTING}.`)
  })

  it('arrays count as levels too, and a toJSON that returns a fresh object forever ends at the limit', async () => {
    let deep: unknown = ['end']
    for (let i = 1; i <= MAX_NESTING; i++) deep = [deep]
    expect((await rejection(() => encryptFields(deep, publicKey))).message).toMatch(/nested 65 objects and arrays deep/)
    const endless = (): object => ({ next: { toJSON: endless } })
    expect((await rejection(() => encryptFields({ toJSON: endless }, publicKey))).code).toBe('ERR_PAYLOAD_INVALID')
  })

  it('a body 10,000 levels deep is a typed error, not a RangeError from the stack', async () => {
    expect((await rejection(() => encryptFields(nested(10_000), publicKey))).code).toBe('ERR_PAYLOAD_INVALID')
  })
})

describe('hostile bodies get typed answers', () => {
  const throwingGetter = { cardId: 'c', get userPin(): string { throw new Error('vault locked') } }
  const revoked = Proxy.revocable({}, {})
  revoked.revoke()
  const cases: [string, unknown, RegExp][] = [
    ['a throwing getter', throwingGetter, /^body\.userPin could not be read: a getter, toJSON or Proxy threw/],
    ['a throwing toJSON', { profile: { toJSON: () => { throw new Error('no') } } }, /^body\.profile could not be read/],
    ['a Proxy whose ownKeys trap throws', { inner: new Proxy({}, { ownKeys: () => { throw new Error('trap') } }) }, /^body\.inner could not be read/],
    ['a revoked Proxy', { inner: revoked.proxy }, /^body\.inner could not be read/],
    ['a BigInt', { amount: 10n }, /^body\.amount is a BigInt, which JSON cannot carry/],
    ['a BigInt under a sensitive key', { userPin: 1234n }, /^body\.userPin is a BigInt/],
    ['a cycle', (() => { const a: Record<string, unknown> = {}; a['self'] = a; return a })(), /^body\.self refers back to itself/],
  ]
  it.each(cases)('%s → ERR_PAYLOAD_INVALID naming the path', async (_name, body, message) => {
    const error = await rejection(() => encryptFields(body, publicKey))
    expect(error.code).toBe('ERR_PAYLOAD_INVALID')
    expect(error.message).toMatch(message)
  })

  it('a Proxy that answers differently on each read: what is encrypted is what was read once', async () => {
    let reads = 0
    const body = new Proxy({ userPin: '' }, { get: (_target, name) => (name === 'userPin' ? `pin-${++reads}` : undefined) })
    const out = await encryptFields(body, publicKey)
    expect(reads).toBe(1)
    expect(nodeDecrypt(out.userPin, privateKey)).toBe('pin-1')
  })
})

describe('hostile options objects', () => {
  const throwing = new Proxy({}, { get: () => { throw new Error('trap') } })

  it('encryptFields rejects with ERR_PAYLOAD_INVALID', async () => {
    const error = await rejection(() => encryptFields({ userPin: '1' }, publicKey, throwing))
    expect([error.code, error.message]).toEqual(['ERR_PAYLOAD_INVALID', 'options could not be read (a getter or Proxy threw); see cause.'])
  })

  it('encryptPayload rejects with a typed error whose cause is the trap, and nothing is encrypted', async () => {
    const error = await rejection(() => encryptPayload('482913', publicKey, throwing))
    expect([error.code, error.message]).toEqual(['ERR_ENCRYPTION_FAILED', 'RSA-OAEP-256 encryption failed; see cause.'])
    expect((error.cause as Error).message).toBe('trap')
  })

  it('createFincodeClient throws ERR_CONFIG_INVALID, not the TypeError of the trap', () => {
    expect(() => createFincodeClient(throwing as never)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringMatching(/^createFincodeClient could not read its options/) }))
  })
})

describe('keys: typed answers, exponents, size, configuration-file forms', () => {
  it('an object key with a throwing getter, or a revoked Proxy, rejects (never throws synchronously)', async () => {
    const hostile = { get cryptoKey(): CryptoKey { throw new TypeError('boom') }, maxPayloadBytes: 190 }
    const revoked = Proxy.revocable({}, {})
    revoked.revoke()
    for (const key of [hostile, revoked.proxy]) {
      const error = await rejection(() => importPublicKey(key as never))
      expect(error.code).toBe('ERR_KEY_INVALID')
      expect(error.message).toMatch(/^publicKey must be the key text \(Base64 SPKI or PEM\) or a FincodePublicKey, got object\./)
      expect((await rejection(() => encryptPayload('1234', key as never))).code).toBe('ERR_KEY_INVALID')
    }
  })

  it.each([1, 2, 4, 65536])('RSA exponent %i is ERR_KEY_UNSUPPORTED (1 would leave the PIN readable by anyone)', async (exponent) => {
    const error = await rejection(() => importPublicKey(spkiWithExponent(publicKey, exponent)))
    expect(error.code).toBe('ERR_KEY_UNSUPPORTED')
    expect(error.message).toMatch(new RegExp(`^publicKey has RSA exponent ${exponent}, not odd and 3 or more as RSA-OAEP needs`))
  })

  it('exponents 3 and 65537 are accepted, and what they encrypt decrypts', async () => {
    const three = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 })
    const spki = three.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
    expect(nodeDecrypt(await encryptPayload('0003', spki), three.privateKey)).toBe('0003')
    expect(spkiWithExponent(publicKey, 65537)).toBe(publicKey) // the helper rebuilds the real key exactly
  })

  it('key text over 16 KiB is refused before decoding: 50 MB is never decoded', async () => {
    const huge = publicKey + ' '.repeat(50_000_000)
    // Decoding is what took ~22 s for 50 MB; that atob never runs proves the refusal comes first
    // (a wall-clock bound would measure the machine, not the order).
    const decode = vi.spyOn(globalThis, 'atob')
    let decodes: number
    const error = await rejection(() => importPublicKey(huge)).finally(() => {
      decodes = decode.mock.calls.length // read before mockRestore, which forgets the calls
      decode.mockRestore()
    })
    expect(decodes!).toBe(0)
    expect(error.code).toBe('ERR_KEY_INVALID')
    expect(error.message).toMatch(/^publicKey has 50000392 characters, too many for a key \(at most 16384\)/)
    // 16,384 characters exactly (the key, then spaces) is still a key.
    expect((await importPublicKey(publicKey.padEnd(16 * 1024, ' '))).modulusLength).toBe(2048)
  })

  it('a key in quotes, and a PEM with literal \\n escapes (as .env files hold it), are the same key', async () => {
    const { fingerprint } = await importPublicKey(publicKey)
    const escaped = publicPem.trim().replace(/\n/g, '\\n')
    for (const text of [`"${publicKey}"`, `'${publicKey}'`, ` "${publicKey}"\n`, escaped, `"${escaped}"`, publicPem.trim().replace(/\n/g, '\\r\\n')]) {
      expect((await importPublicKey(text)).fingerprint).toBe(fingerprint)
    }
  })

  it.each([
    ['a trailing comment', `${publicKey} # production`, /^publicKey has "#", not standard Base64 \(URL-safe Base64, or text around the key\?\)/],
    ['mismatched quotes', `"${publicKey}'`, /^publicKey has """, not standard Base64/],
    ['an assignment pasted whole', `FINCODE_PUBLIC_KEY=${publicKey}`, /^publicKey has "_", not standard Base64 \(URL-safe Base64/],
    ['a PEM with a comment after it', `${publicPem}# rotated 2026-01`, /^publicKey is a malformed PEM block \(or text around it\), not an SPKI "PUBLIC KEY"/],
  ])('%s is named exactly', async (_name, text, message) => {
    const error = await rejection(() => importPublicKey(text))
    expect(error.code).toBe('ERR_KEY_INVALID')
    expect(error.message).toMatch(message)
  })
})

describe('the server client', () => {
  const base = { baseUrl: 'https://acme.fincode.software/api/v6', token: TOKEN, publicKey, uuid: 'integration-0001' } satisfies FincodeClientOptions

  /** A fetch double answering `answers` in turn and recording every send. */
  function fakeFetch(answers: (() => Response)[]) {
    const sent: { url: string; headers: Headers; body: string | undefined }[] = []
    const fetch: typeof globalThis.fetch = async (input, init) => {
      sent.push({ url: String(input), headers: new Headers(init?.headers), body: init?.body as string | undefined })
      const answer = answers[Math.min(sent.length, answers.length) - 1]
      if (!answer) throw new TypeError('fetch failed')
      return answer()
    }
    return { fetch, sent }
  }
  const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  const rotated = json(409, { error: { code: 'KEY_ROTATED', message: 'rotated' } })

  it('both domain and baseUrl: ERR_CONFIG_INVALID, so a leftover sandbox URL cannot override production', () => {
    expect(() => createFincodeClient({ ...base, domain: 'acme', baseUrl: 'http://127.0.0.1:8787/api/v6' })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID', message: expect.stringMatching(/^Pass `domain` or `baseUrl`, not both/) }),
    )
  })

  it('a DTO with toJSON, and { wrap: { toJSON } }: the wire and onRequest carry ciphertexts only', async () => {
    const { fetch, sent } = fakeFetch([json(200, {})])
    const seen: OutgoingRequest[] = []
    const client = createFincodeClient({ ...base, fetch, onRequest: (info) => seen.push(info) })
    await client.post('/services/change-pin', { request: new ChangePinRequest('482913', '918273'), wrap: { toJSON: () => ({ userPin: '564738' }) } })
    const wire = JSON.parse(sent[0]!.body!)
    expect(nodeDecrypt(wire.request.userPin, privateKey)).toBe('482913')
    expect(nodeDecrypt(wire.request.transactionPin, privateKey)).toBe('918273')
    expect(nodeDecrypt(wire.wrap.userPin, privateKey)).toBe('564738')
    expect(wire.request.requestedAt).toBe('2026-01-02T03:04:05.000Z')
    for (const text of [sent[0]!.body!, seen[0]!.body!]) expect(text).not.toMatch(/482913|918273|564738/)
    expect(seen[0]!.keyFingerprint).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each([
    ['nested past the limit', nested(MAX_NESTING + 1), /is nested 65 objects and arrays deep/],
    ['a BigInt', { amount: 5n }, /body\.amount is a BigInt/],
    ['a throwing getter', { get userPin(): string { throw new Error('locked') } }, /body\.userPin could not be read/],
    ['a Proxy whose get trap throws', new Proxy({ userPin: 'x' }, { get: () => { throw new Error('trap') } }), /could not be read/],
  ])('a body %s: a rejected promise with ERR_PAYLOAD_INVALID, and nothing is sent', async (_name, body, message) => {
    const { fetch, sent } = fakeFetch([json(200, {})])
    const error = await rejection(() => createFincodeClient({ ...base, fetch }).post('/services/verify-fields', body))
    expect(error.code).toBe('ERR_PAYLOAD_INVALID')
    expect(error.message).toMatch(message)
    expect(sent).toHaveLength(0)
  })

  it('a token the server repeats back is [redacted] in message, stack, body (a copy) and onRequest', async () => {
    const echo = { error: { code: 'BAD_REQUEST', message: `header X-Auth-Token: ${TOKEN} is not allowed here`, echo: { [TOKEN]: [`Bearer ${TOKEN}`] } } }
    const { fetch } = fakeFetch([json(400, echo)])
    const seen: OutgoingRequest[] = []
    const client = createFincodeClient({ ...base, fetch, onRequest: (info) => seen.push(info) })
    const error = (await rejection(() => client.post(`/services/echo/${TOKEN}`, { note: `my token is ${TOKEN}` }))) as FincodeSecureError & { body: unknown }
    expect(error.message).toBe(`POST /services/echo/[redacted] failed (HTTP 400 BAD_REQUEST): header X-Auth-Token: [redacted] is not allowed here`)
    expect(error.body).toEqual({ error: { code: 'BAD_REQUEST', message: 'header X-Auth-Token: [redacted] is not allowed here', echo: { '[redacted]': ['Bearer [redacted]'] } } })
    for (const text of [error.message, String(error.stack), JSON.stringify(error.body), JSON.stringify(seen)]) expect(text).not.toContain(TOKEN)
    expect(seen[0]!.url).toBe('https://acme.fincode.software/api/v6/services/echo/[redacted]')
    expect(seen[0]!.body).toBe('{"note":"my token is [redacted]"}')
  })

  it('the same for a 401 that quotes the token, and for a non-JSON error page', async () => {
    for (const answer of [json(401, { error: { code: 'TOKEN_INVALID', message: `unknown token ${TOKEN}` } }), () => new Response(`<h1>${TOKEN} refused</h1>`, { status: 502 })]) {
      const error = (await rejection(() => createFincodeClient({ ...base, fetch: fakeFetch([answer]).fetch }).get('/x'))) as FincodeSecureError & { body: unknown }
      for (const text of [error.message, String(error.stack), JSON.stringify(error.body)]) expect(text).not.toContain(TOKEN)
    }
  })

  describe('the retry rule: at most two sends, the second only after 409 KEY_ROTATED', () => {
    const keyFunction = { publicKey: async () => publicKey, logger: { warn: () => {} } }

    it('409 KEY_ROTATED: the key is fetched again and the request sent a second time, never a third', async () => {
      const { fetch, sent } = fakeFetch([rotated, rotated, rotated])
      const error = await rejection(() => createFincodeClient({ ...base, ...keyFunction, fetch }).post('/p', { userPin: '1111' }))
      expect(error.code).toMatch(/^ERR_KEY_(ROTATED|STALE)$/)
      expect(sent.length).toBeLessThanOrEqual(2)
    })

    it.each([500, 502, 503])('a %i whose body says KEY_ROTATED is ERR_API_ERROR after one send', async (status) => {
      const { fetch, sent } = fakeFetch([json(status, { error: { code: 'KEY_ROTATED' } }), json(200, {})])
      const error = await rejection(() => createFincodeClient({ ...base, ...keyFunction, fetch }).post('/p', { userPin: '1111' }))
      expect([error.code, sent.length]).toEqual(['ERR_API_ERROR', 1])
    })

    it('a network error is ERR_NETWORK after one send', async () => {
      const { fetch, sent } = fakeFetch([])
      const error = await rejection(() => createFincodeClient({ ...base, ...keyFunction, fetch }).post('/p', { userPin: '1111' }))
      expect([error.code, sent.length]).toEqual(['ERR_NETWORK', 1])
    })
  })
})

describe('the sandbox reads the same depth', () => {
  let sandbox: TestSandbox
  let token: string
  beforeAll(async () => {
    sandbox = await startTestSandbox()
    token = (await sandbox.createToken('hardening', '1m')).token
  })
  afterAll(() => sandbox?.dispose())

  const post = (body: unknown) =>
    fetch(`${sandbox.apiUrl}/services/verify-fields`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token, platform: 'fincode', uuid: 'integration-0001' },
      body: JSON.stringify(body),
    })

  it(`decrypts a field ${MAX_NESTING} levels down, and refuses ${MAX_NESTING + 1} levels with 400 BODY_TOO_DEEP`, async () => {
    const key = sandbox.currentKey().publicKey
    const ok = await post(await encryptFields(nested(MAX_NESTING, '2468'), key))
    expect(ok.status).toBe(200)
    expect((await ok.json()).fields[0]).toMatchObject({ field: `${'a.'.repeat(MAX_NESTING - 1)}userPin`, decrypted: true })
    let deep: unknown = { userPin: 'not encrypted' }
    for (let i = 1; i <= MAX_NESTING; i++) deep = { a: deep }
    const refused = await post(deep)
    expect(refused.status).toBe(400)
    expect((await refused.json()).error).toMatchObject({ code: 'BODY_TOO_DEEP', message: `${'a.'.repeat(MAX_NESTING - 1)}a is nested 65 objects and arrays deep; a request body may nest at most 64.` })
  })
})
