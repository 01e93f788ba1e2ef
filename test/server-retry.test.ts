// The server client's one retry, against the real sandbox: after 409 KEY_ROTATED
// (a key function that gives a new key), after a 401 (a token function that gives
// a new token) — never a third send — and the two refusals that must not be
// retried: a key function still serving the rotated key (ERR_KEY_STALE), and a
// field that already holds a ciphertext (forwarding needs fields: []).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encryptPayload } from '../src/index.js'
import { createFincodeClient, type FincodeClientOptions, type TokenContext } from '../src/server/index.js'
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

let sandbox: TestSandbox
let token: string

beforeAll(async () => {
  sandbox = await startTestSandbox()
  token = (await sandbox.createToken('retry-tests', '1m')).token
})
afterAll(() => sandbox?.dispose())

const currentKeyText = async () => sandbox.currentKey().publicKey

/** What reached the wire: the token of each send (the fetch is real; this only looks). */
function recording() {
  const tokens: string[] = []
  const fetch: typeof globalThis.fetch = (input, init) => (tokens.push(new Headers(init?.headers).get('x-auth-token') ?? ''), globalThis.fetch(input, init))
  return { tokens, fetch }
}

function client(overrides: Partial<FincodeClientOptions> = {}) {
  return createFincodeClient({ baseUrl: sandbox.apiUrl, token, publicKey: currentKeyText, uuid: 'integration-0001', ...overrides })
}

async function failure(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  )
}

describe('a field that already holds a ciphertext (issue 15.6)', () => {
  test('is refused before anything is sent, naming fields: [] and readEncryptedFields', async () => {
    const fromPage = await encryptPayload('4826', sandbox.currentKey().publicKey)
    const { tokens, fetch } = recording()
    const error = await failure(client({ fetch }).post('/services/verify-fields', { confirmation: { transactionPin: fromPage } }))
    expect(error.code).toBe('ERR_PAYLOAD_INVALID')
    expect(error.message).toBe(
      'body.confirmation.transactionPin already looks like a ciphertext (344 characters of Base64, one block of this 2048-bit key). To forward fields a page encrypted, send them as they are with { fields: [] } (readEncryptedFields from fincode-secure/server reads them from a form); the client never encrypts twice.',
    )
    expect(error.message).not.toContain(fromPage)
    expect(tokens).toHaveLength(0)
  })

  test('with fields: [] the same value is forwarded as it is, and the sandbox decrypts it', async () => {
    const fromPage = await encryptPayload('4826', sandbox.currentKey().publicKey)
    const answer = await client().post<any>('/services/verify-fields', { transactionPin: fromPage }, { fields: [] })
    expect(answer.fields[0]).toMatchObject({ field: 'transactionPin', decrypted: true })
  })

  test('344 characters that are not Base64 are a long password, refused as too large as before', async () => {
    const error = await failure(client().post('/services/verify-fields', { newPassword: 'pass-word!'.repeat(34).padEnd(344, '-') }))
    expect(error.code).toBe('ERR_PAYLOAD_TOO_LARGE')
  })
})

describe('a key function that still serves the rotated key (issue 15.5)', () => {
  test('ERR_KEY_STALE after one send, a message naming the setting, and one log line', async () => {
    const stale = sandbox.currentKey()
    await sandbox.rotateKey()
    const warnings: string[] = []
    const { tokens, fetch } = recording()
    const error = await failure(
      client({ publicKey: async () => stale.publicKey, fetch, logger: { warn: (message) => warnings.push(message) } }).post('/services/verify-fields', { userPin: '5309' }),
    )
    expect([error.code, error.status, error.serverCode]).toEqual(['ERR_KEY_STALE', 409, 'KEY_ROTATED'])
    expect(error.message).toMatch(/^POST \/services\/verify-fields was refused \(HTTP 409 KEY_ROTATED\): FinCode refused the key that publicKey\(\) still returns \(fingerprint [0-9a-f]{16}…\): it has been rotated\. Update the setting publicKey\(\) reads \(FINCODE_PUBLIC_KEY, or your secret store\)/)
    expect(error.message).toContain(stale.fingerprint.slice(0, 16))
    expect(tokens).toHaveLength(1)
    expect(warnings).toEqual([expect.stringMatching(/^fincode-secure: POST \/services\/verify-fields: FinCode refused the key that publicKey\(\) still returns .* Update the setting publicKey\(\) reads \(FINCODE_PUBLIC_KEY/)])
    expect(warnings.join()).not.toContain('5309')
  })

  test('a key function that gives the new key is retried once and succeeds, with no warning', async () => {
    const c = client({ logger: { warn: () => expect.unreachable('warned') } })
    await c.publicKey()
    await sandbox.rotateKey()
    const answer = await c.post<any>('/services/verify-fields', { userPin: '5309' })
    expect(answer.fields[0]).toMatchObject({ decrypted: true, keyFingerprint: sandbox.currentKey().fingerprint })
  })

  test('logger must have warn()', () => {
    expect(() => client({ logger: {} as never })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }))
  })
})

describe('a refused token, and a token function that gives another (issue 17.3)', () => {
  /** A secret store with a cache, as many are: it reads afresh only when told the token was refused. */
  function cachingStore(initial: string) {
    const store = { source: initial, cached: initial, calls: [] as TokenContext[] }
    const read = (context: TokenContext) => {
      store.calls.push(context)
      if (context.rejected) store.cached = store.source
      return store.cached
    }
    return { store, read }
  }

  test('after a 401 the token function is asked again with { rejected: true }; its new token is sent once more', async () => {
    const old = await sandbox.createToken('svc-a', '24h')
    const { store, read } = cachingStore(old.token)
    const { tokens, fetch } = recording()
    const c = client({ token: read, fetch })
    await c.post('/services/verify-fields', {})
    // The operator's steps: a successor where the store reads, then the old token invalidated.
    store.source = (await sandbox.createToken('svc-a-next', '24h')).token
    await sandbox.invalidateToken(old.id)

    const answer = await c.post<any>('/services/verify-fields', { userPin: '2222' })
    expect(answer.fields[0]).toMatchObject({ decrypted: true })
    expect(tokens).toEqual([old.token, old.token, store.source])
    expect(store.calls).toEqual([{ rejected: false }, { rejected: false }, { rejected: true }])
  })

  test('the same token again, or a string token: ERR_TOKEN_REJECTED after one send', async () => {
    const dead = await sandbox.createToken('svc-b', '24h')
    await sandbox.invalidateToken(dead.id)
    for (const tokenOption of [() => dead.token, dead.token]) {
      const { tokens, fetch } = recording()
      const error = await failure(client({ token: tokenOption, fetch }).post('/services/verify-fields', {}))
      expect([error.code, error.serverCode]).toEqual(['ERR_TOKEN_REJECTED', 'TOKEN_REVOKED'])
      expect(tokens).toHaveLength(1)
    }
  })

  test('a second token that is refused too ends after two sends, never a third', async () => {
    const first = await sandbox.createToken('svc-c', '24h')
    const second = await sandbox.createToken('svc-c2', '24h')
    await sandbox.invalidateToken(first.id)
    await sandbox.invalidateToken(second.id)
    const { tokens, fetch } = recording()
    const error = await failure(client({ token: ({ rejected }) => (rejected ? second.token : first.token), fetch }).post('/services/verify-fields', {}))
    expect(error.code).toBe('ERR_TOKEN_REJECTED')
    expect(tokens).toEqual([first.token, second.token])
    expect(error.message + String(error.stack) + JSON.stringify(error.body)).not.toMatch(new RegExp(`${first.token}|${second.token}`))
  })

  test('one retry per request in total: a new token after a 401, then 409 KEY_ROTATED, is not sent a third time', async () => {
    const old = await sandbox.createToken('svc-d', '24h')
    const next = await sandbox.createToken('svc-d2', '24h')
    await sandbox.invalidateToken(old.id)
    const staleKey = sandbox.currentKey().publicKey
    await sandbox.rotateKey()
    // A key function that would give the new key if asked again: it is not, the one retry is spent.
    let keyCalls = 0
    const publicKey = async () => (keyCalls++ === 0 ? staleKey : currentKeyText())
    const { tokens, fetch } = recording()
    const error = await failure(client({ token: ({ rejected }) => (rejected ? next.token : old.token), publicKey, fetch }).post('/services/verify-fields', { userPin: '1' }))
    expect(error.code).toBe('ERR_KEY_ROTATED')
    expect(tokens).toEqual([old.token, next.token])
    expect(keyCalls).toBe(1)
  })

  test('a token function that fails when asked again: the refusal is what the caller sees', async () => {
    const dead = await sandbox.createToken('svc-e', '24h')
    await sandbox.invalidateToken(dead.id)
    const error = await failure(client({ token: ({ rejected }) => (rejected ? Promise.reject(new Error('store down')) : dead.token) }).post('/services/verify-fields', {}))
    expect([error.code, error.serverCode]).toEqual(['ERR_TOKEN_REJECTED', 'TOKEN_REVOKED'])
  })

  test('a swap under load: 400 requests at concurrency 8 while the successor is put in place and the old token invalidated — none fails, none is sent more than twice', async () => {
    const old = await sandbox.createToken('svc-load', '24h')
    const successor = await sandbox.createToken('svc-load-next', '24h')
    const { store, read } = cachingStore(old.token)
    const sendsPerRequest = new Map<string, number>()
    const fetch: typeof globalThis.fetch = (input, init) => {
      const marker = JSON.parse(String(init?.body)).marker as string
      sendsPerRequest.set(marker, (sendsPerRequest.get(marker) ?? 0) + 1)
      return globalThis.fetch(input, init)
    }
    const c = client({ token: read, fetch })
    let started = 0
    let failed = 0
    const worker = async () => {
      while (started < 400) {
        const n = started++
        if (n === 150) store.source = successor.token // the new token where the store reads it
        if (n === 200) void sandbox.invalidateToken(old.id) // with requests in flight
        await c.post('/services/verify-fields', { marker: `m${n}`, userPin: '8080' }).catch(() => failed++)
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    expect(failed).toBe(0)
    expect(sendsPerRequest.size).toBe(400)
    expect(Math.max(...sendsPerRequest.values())).toBeLessThanOrEqual(2)
    expect([...sendsPerRequest.values()].filter((n) => n === 2).length).toBeGreaterThan(0) // the swap really happened mid-run
    expect(sandbox.listTokens().find((t) => t.id === successor.id)?.lastUsedAt).not.toBeNull()
  }, 120_000)
})
