// What createFincodeClient refuses before anything is sent, and where the API
// token must never show up: errors, logs, URLs, the client's printed form.
import { inspect } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { createFincodeClient, isFincodeSecureError, type FincodeClientOptions, type OutgoingRequest } from '../src/server/index.js'
import { testKeyPair } from './helpers/keys.js'
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

const TOKEN = 'fcs_CANARY_token_that_must_never_be_printed_0123456789'
const base: FincodeClientOptions = { baseUrl: 'https://acme.fincode.software/api/v6', token: TOKEN, publicKey: testKeyPair(2048).publicKey, uuid: 'integration-0001' }

function refusal(make: () => unknown): { code: string; message: string } {
  try {
    make()
  } catch (error) {
    expect(isFincodeSecureError(error)).toBe(true)
    return error as { code: string; message: string }
  }
  throw new Error('expected createFincodeClient to refuse')
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('in a browser page', () => {
  afterEach(() => vi.unstubAllGlobals())

  test('a window with a document refuses to start: ERR_TOKEN_IN_BROWSER', () => {
    vi.stubGlobal('window', { document: {} })
    const error = refusal(() => createFincodeClient(base))
    expect(error.code).toBe('ERR_TOKEN_IN_BROWSER')
    expect(error.message).toMatch(/readable by anyone who opens the page/)
    expect(error.message).not.toContain(TOKEN)
  })

  test('dangerouslyAllowBrowser: true lets it start', () => {
    vi.stubGlobal('window', { document: {} })
    expect(createFincodeClient({ ...base, dangerouslyAllowBrowser: true }).baseUrl).toBe(base.baseUrl)
  })

  test('a window without a document (Deno 1, some test setups) is not a page', () => {
    vi.stubGlobal('window', {})
    expect(() => createFincodeClient(base)).not.toThrow()
  })
})

describe('the API address', () => {
  test('domain gives https://{domain}.fincode.software/api/v6', () => {
    const { baseUrl: _, ...rest } = base
    expect(createFincodeClient({ ...rest, domain: 'Acme-Shop' }).baseUrl).toBe('https://acme-shop.fincode.software/api/v6')
  })

  test.each(['http://127.0.0.1:8787/api/v6', 'http://localhost:8787/api/v6', 'http://[::1]:8787/api/v6', 'https://api.example.com/v6/'])('%s is accepted', (baseUrl) => {
    expect(createFincodeClient({ ...base, baseUrl }).baseUrl).toBe(baseUrl.replace(/\/$/, ''))
  })

  test.each(['http://acme.fincode.software/api/v6', 'http://192.168.1.20:8787/api/v6', 'http://localhost.evil.example/api/v6', 'http://127.0.0.2/api/v6'])(
    'plain http to %s is refused: ERR_INSECURE_URL',
    (baseUrl) => {
      expect(refusal(() => createFincodeClient({ ...base, baseUrl })).code).toBe('ERR_INSECURE_URL')
    },
  )

  test.each([
    ['ftp://acme.example/api', /https:\/\//],
    ['acme.fincode.software/api/v6', /absolute URL/],
    ['https://user:hunter2@acme.fincode.software/api/v6', /user name or password/],
    ['https://acme.fincode.software/api/v6?token=abc', /query string/],
  ])('%s is refused: ERR_CONFIG_INVALID', (baseUrl, message) => {
    const error = refusal(() => createFincodeClient({ ...base, baseUrl }))
    expect(error.code).toBe('ERR_CONFIG_INVALID')
    expect(error.message).toMatch(message)
    expect(error.message).not.toMatch(/hunter2|token=abc/)
  })

  test('neither domain nor baseUrl, or a domain that is not a host name, is ERR_CONFIG_INVALID', () => {
    const { baseUrl: _, ...rest } = base
    expect(refusal(() => createFincodeClient(rest)).message).toMatch(/domain/)
    expect(refusal(() => createFincodeClient({ ...rest, domain: 'acme/evil' })).code).toBe('ERR_CONFIG_INVALID')
  })
})

describe('missing or malformed settings', () => {
  test.each([
    ['no token', { token: undefined }, 'ERR_TOKEN_MISSING', /token is missing/],
    ['an empty token', { token: '' }, 'ERR_TOKEN_MISSING', /token is missing/],
    ['a token with a line break', { token: `${TOKEN}\n` }, 'ERR_TOKEN_MISSING', /line breaks/],
    ['a number as token', { token: 42 }, 'ERR_TOKEN_MISSING', /must be a string/],
    ['no uuid', { uuid: undefined }, 'ERR_CONFIG_INVALID', /uuid is required/],
    ['a uuid with a line break', { uuid: 'a\r\nX-Evil: 1' }, 'ERR_CONFIG_INVALID', /uuid must be printable ASCII/],
    ['an empty platform', { platform: '' }, 'ERR_CONFIG_INVALID', /platform is required/],
    ['no public key', { publicKey: undefined }, 'ERR_KEY_INVALID', /publicKey is required/],
    ['a timeout of 0', { timeoutMs: 0 }, 'ERR_CONFIG_INVALID', /timeoutMs/],
    ['fields that are not names', { fields: 'transactionPin' }, 'ERR_CONFIG_INVALID', /fields must be an array/],
    ['a fetch that is not a function', { fetch: 'fetch' }, 'ERR_CONFIG_INVALID', /fetch must be a function/],
  ])('%s is refused at creation', (_what, override, code, message) => {
    const error = refusal(() => createFincodeClient({ ...base, ...(override as object) } as FincodeClientOptions))
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain(TOKEN)
  })

  test('a token function that returns nothing fails the request with ERR_TOKEN_MISSING, and nothing is sent', async () => {
    const fetch = vi.fn()
    const client = createFincodeClient({ ...base, token: async () => '', fetch })
    expect((await rejection(client.get('/x'))).code).toBe('ERR_TOKEN_MISSING')
    expect(fetch).not.toHaveBeenCalled()
  })

  test('a bad key surfaces as the core error code when a sensitive field is encrypted', async () => {
    const fetch = vi.fn()
    const client = createFincodeClient({ ...base, publicKey: '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----', fetch })
    expect((await rejection(client.post('/x', { transactionPin: '1234' }))).code).toBe('ERR_KEY_PRIVATE')
    expect(fetch).not.toHaveBeenCalled()
  })

  test('a publicKey function that fails gives ERR_KEY_INVALID with its error as cause, and is asked again next time', async () => {
    let calls = 0
    const client = createFincodeClient({
      ...base,
      fetch: async () => Response.json({}),
      publicKey: async () => {
        if (++calls === 1) throw new Error('config service down')
        return testKeyPair(2048).publicKey
      },
    })
    const error = await rejection(client.post('/x', { userPin: '1234' }))
    expect([error.code, error.cause.message]).toEqual(['ERR_KEY_INVALID', 'config service down'])
    await client.post('/x', { userPin: '1234' })
    expect(calls).toBe(2)
  })

  test('a number PIN is refused (leading zeros), as by encryptFields', async () => {
    const client = createFincodeClient({ ...base, fetch: vi.fn() })
    const error = await rejection(client.post('/x', { transactionPin: 1234 }))
    expect([error.code, error.message]).toEqual(['ERR_PAYLOAD_INVALID', expect.stringMatching(/body\.transactionPin is number/)])
  })

  test('bad request arguments are ERR_CONFIG_INVALID', async () => {
    const client = createFincodeClient({ ...base, fetch: vi.fn() })
    expect((await rejection(client.request('TRACE' as 'GET', '/x'))).code).toBe('ERR_CONFIG_INVALID')
    expect((await rejection(client.get('services/x'))).message).toMatch(/path must start with "\/"/)
    expect((await rejection(client.get('//evil.example/x'))).code).toBe('ERR_CONFIG_INVALID')
    expect((await rejection(client.request('GET', '/x', { body: {} }))).message).toMatch(/GET request cannot have a body/)
  })
})

describe('the token never shows', () => {
  let sandbox: TestSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(() => sandbox?.dispose())

  const printed = (value: unknown) => [inspect(value, { depth: Infinity, showHidden: true, getters: true }), String(value), JSON.stringify(value) ?? '']

  test("in the client's toString, JSON and util.inspect output, or any of its properties", () => {
    const client = createFincodeClient(base)
    for (const text of printed(client)) expect(text).not.toContain(TOKEN)
    expect(inspect(client)).toBe("FincodeClient { baseUrl: 'https://acme.fincode.software/api/v6', platform: 'fincode', uuid: 'integration-0001', token: [hidden] }")
    expect(JSON.parse(JSON.stringify(client))).toEqual({ baseUrl: base.baseUrl, platform: 'fincode', uuid: 'integration-0001' })
    const values = Reflect.ownKeys(client).map((k) => (client as unknown as Record<PropertyKey, unknown>)[k])
    expect(values.filter((v) => typeof v === 'string' && v.includes(TOKEN))).toEqual([])
    expect(Object.isFrozen(client)).toBe(true)
  })

  test('in the errors of a rejected token, a network failure, a timeout and an abort, nor in the URL or onRequest', async () => {
    const urls: string[] = []
    const logged: OutgoingRequest[] = []
    const make = (o: Partial<FincodeClientOptions>) =>
      createFincodeClient({
        ...base,
        baseUrl: sandbox.apiUrl,
        publicKey: sandbox.currentKey().publicKey,
        fetch: (input, init) => (urls.push(String(input)), fetch(input, init)),
        onRequest: (info) => logged.push(info),
        ...o,
      })
    const errors = [
      await rejection(make({}).post('/services/change-pin', { userPin: '0000', transactionPin: '1111', confirmation: { transactionPin: '1111' } })),
      await rejection(make({ baseUrl: 'http://127.0.0.1:9/api/v6' }).get('/services/x')),
      await rejection(make({ timeoutMs: 1, fetch: () => new Promise(() => {}) }).get('/services/x')),
      await rejection(make({ signal: AbortSignal.abort(new Error('shutdown')) }).get('/services/x')),
    ]
    expect(errors.map((e) => e.code)).toEqual(['ERR_TOKEN_REJECTED', 'ERR_NETWORK', 'ERR_TIMEOUT', 'ERR_ABORTED'])
    for (const error of errors) {
      for (const text of printed(error)) expect(text).not.toContain(TOKEN)
      for (let cause = error.cause; cause; cause = cause.cause) for (const text of printed(cause)) expect(text).not.toContain(TOKEN)
    }
    expect(urls.length).toBeGreaterThan(0)
    for (const url of urls) expect(url).not.toContain(TOKEN)
    for (const text of printed(logged)) expect(text).not.toContain(TOKEN)
    expect(logged[0]!.headers).toEqual({ 'Content-Type': 'application/json', Accept: 'application/json', platform: 'fincode', uuid: 'integration-0001', 'X-Auth-Token': '[redacted]' })
  })

  test('a token function is not reachable from the client either', () => {
    const secretSource = () => TOKEN
    const client = createFincodeClient({ ...base, token: secretSource })
    const reachable = Reflect.ownKeys(client).map((k) => (client as unknown as Record<PropertyKey, unknown>)[k])
    expect(reachable).not.toContain(secretSource)
  })
})
