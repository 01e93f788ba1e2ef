// fincode-secure/server against the sandbox: what goes over the wire, what the
// FinCode side makes of it, and how the client reacts to tokens and keys changing.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encryptPayload } from '../src/index.js'
import { createFincodeClient, isFincodeApiError, isFincodeSecureError, type FincodeClientOptions, type OutgoingRequest } from '../src/server/index.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { call, startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

let sandbox: TestSandbox
let token: string

beforeAll(async () => {
  sandbox = await startTestSandbox()
  token = (await sandbox.createToken('pos-backend', '1m')).token
})
afterAll(() => sandbox?.dispose())

const currentKeyText = async () => (await call(sandbox, 'GET', '/encryption-keys/current')).body.publicKey as string
const privateKeyPem = () => JSON.parse(readFileSync(join(sandbox.dataDir, 'state.json'), 'utf8')).currentKey.privateKeyPem as string

function client(overrides: Partial<FincodeClientOptions> = {}) {
  return createFincodeClient({ baseUrl: sandbox.apiUrl, token, publicKey: currentKeyText, uuid: 'integration-0001', ...overrides })
}

/** Resolves with the error a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('requests', () => {
  test('every request sends Content-Type, X-Auth-Token, platform and uuid', async () => {
    const seen: Headers[] = []
    const c = client({ fetch: (input, init) => (seen.push(new Headers(init?.headers)), fetch(input, init)) })
    const answer = await c.post<{ fields: unknown[] }>('/services/verify-fields', { note: 'no secrets here' })
    expect(answer).toEqual({ fields: [] })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.get('content-type')).toBe('application/json')
    expect(seen[0]!.get('x-auth-token')).toBe(token)
    expect(seen[0]!.get('platform')).toBe('fincode')
    expect(seen[0]!.get('uuid')).toBe('integration-0001')
  })

  test('sensitive fields leave encrypted, at any depth; other fields as they were', async () => {
    const wire: OutgoingRequest[] = []
    const c = client({ onRequest: (info) => wire.push(info) })
    const answer = await c.post<{ fields: { field: string; decrypted: boolean; variant: string }[] }>('/services/verify-fields', {
      amount: 1200,
      payer: { securityAnswer: 'Rex the dog' },
      transactionPin: '0042',
    })
    expect(answer.fields).toEqual([
      expect.objectContaining({ field: 'payer.securityAnswer', decrypted: true, variant: 'RSA-OAEP-256' }),
      expect.objectContaining({ field: 'transactionPin', decrypted: true, variant: 'RSA-OAEP-256' }),
    ])
    const sent = JSON.parse(wire[0]!.body!)
    expect(sent.amount).toBe(1200)
    expect(wire[0]!.body).not.toContain('0042')
    expect(wire[0]!.body).not.toContain('Rex')
    // What crossed the wire is what the organisation's private key decrypts.
    expect(nodeDecrypt(sent.transactionPin, privateKeyPem())).toBe('0042')
    expect(nodeDecrypt(sent.payer.securityAnswer, privateKeyPem())).toBe('Rex the dog')
    expect(wire[0]!.headers['X-Auth-Token']).toBe('[redacted]')
    expect(wire[0]!.keyFingerprint).toBe(sandbox.currentKey().fingerprint)
  })

  test('the response to a services call never contains a decrypted value', async () => {
    const answer = await client().post('/services/verify-fields', { transactionPin: '918273', userPin: '564738' })
    expect(JSON.stringify(answer)).not.toMatch(/918273|564738/)
  })
})

describe('change-pin', () => {
  test('current PIN, new PIN and confirmation decrypt, each with its variant, and the PIN changes', async () => {
    const c = client()
    const changed = await c.post<any>('/services/change-pin', { userPin: '0000', transactionPin: '2468', confirmation: { transactionPin: '2468' } })
    expect(changed.changed).toBe(true)
    expect(changed.fields.map((f: any) => [f.field, f.decrypted, f.variant])).toEqual([
      ['userPin', true, 'RSA-OAEP-256'],
      ['transactionPin', true, 'RSA-OAEP-256'],
      ['confirmation.transactionPin', true, 'RSA-OAEP-256'],
    ])
    expect(JSON.stringify(changed)).not.toContain('2468')

    // The old PIN no longer works; the new one does.
    const stale = await failure(c.post('/services/change-pin', { userPin: '0000', transactionPin: '1357', confirmation: { transactionPin: '1357' } }))
    expect(isFincodeApiError(stale)).toBe(true)
    expect([stale.code, stale.status, stale.serverCode]).toEqual(['ERR_API_ERROR', 403, 'PIN_INCORRECT'])
    await c.post('/services/change-pin', { userPin: '2468', transactionPin: '0000', confirmation: { transactionPin: '0000' } })
  })

  test('a confirmation that differs, a PIN that is not digits and a missing field are refused with their codes', async () => {
    const c = client()
    const cases: [body: object, status: number, code: string][] = [
      [{ userPin: '0000', transactionPin: '2468', confirmation: { transactionPin: '2469' } }, 422, 'PIN_CONFIRMATION_MISMATCH'],
      [{ userPin: '0000', transactionPin: '24a8', confirmation: { transactionPin: '24a8' } }, 422, 'PIN_FORMAT_INVALID'],
      [{ userPin: '0000', transactionPin: '0000', confirmation: { transactionPin: '0000' } }, 422, 'PIN_UNCHANGED'],
      [{ userPin: '0000', transactionPin: '2468' }, 400, 'FIELD_MISSING'],
    ]
    for (const [body, status, code] of cases) {
      const error = await failure(c.post('/services/change-pin', body))
      expect([error.status, error.serverCode]).toEqual([status, code])
      expect(error.message).not.toMatch(/2468|2469|24a8/)
    }
  })

  test('a field that is not encrypted is reported per field as not decryptable', async () => {
    const error = await failure(
      client().post('/services/change-pin', { userPin: '0000', transactionPin: '2468', confirmation: { transactionPin: '2468!' } }, { fields: ['userPin'] }),
    )
    expect([error.code, error.status, error.serverCode]).toEqual(['ERR_API_ERROR', 422, 'FIELD_NOT_DECRYPTABLE'])
    expect(error.body.error.fields).toEqual([
      expect.objectContaining({ field: 'userPin', decrypted: true }),
      // "2468" happens to be valid Base64 (3 bytes), so it is reported as not decryptable rather than not Base64.
      { field: 'transactionPin', decrypted: false, reason: 'not-decryptable' },
      { field: 'confirmation.transactionPin', decrypted: false, reason: 'not-base64' },
    ])
  })
})

describe('API tokens', () => {
  const create = async (body: Record<string, unknown>) => call(sandbox, 'POST', '/api-tokens', body)
  const encrypted = async (text: string) => encryptPayload(text, await currentKeyText())

  test("a token is created with the cashier's email and encrypted password, shown once, and stored only as a hash", async () => {
    const created = await create({ label: 'reports', expiresIn: '3m', email: 'cashier@example.com', currentPassword: await encrypted('sandbox-password') })
    expect(created.status).toBe(201)
    expect(created.body.token).toMatch(/^fcs_[A-Za-z0-9_-]{43}$/)
    expect(created.body.status).toBe('active')
    const months = (Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)) / (24 * 3600_000)
    expect(months).toBeGreaterThanOrEqual(89)
    expect(months).toBeLessThanOrEqual(92)

    const listed = await call(sandbox, 'GET', '/api-tokens')
    const entry = listed.body.tokens.find((t: any) => t.id === created.body.id)
    expect(Object.keys(entry).sort()).toEqual(['createdAt', 'expiresAt', 'expiresIn', 'expiringSoon', 'id', 'invalidatedAt', 'label', 'lastUsedAt', 'replacedBy', 'replaces', 'status', 'unusedFor30Days'])
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token)

    const onDisk = readFileSync(join(sandbox.dataDir, 'state.json'), 'utf8')
    expect(onDisk).not.toContain(created.body.token)
    const { createHash } = await import('node:crypto')
    expect(onDisk).toContain(createHash('sha256').update(created.body.token).digest('hex'))
  })

  test('a wrong password, a plaintext password, a taken label and an unknown expiry are refused with their codes', async () => {
    const good = { email: 'cashier@example.com', currentPassword: await encrypted('sandbox-password') }
    expect(await create({ label: 'x1', expiresIn: '1m', ...good, currentPassword: await encrypted('guess') })).toMatchObject({ status: 403, body: { error: { code: 'CASHIER_CREDENTIALS_INVALID' } } })
    expect(await create({ label: 'x1', expiresIn: '1m', ...good, email: 'someone@example.com' })).toMatchObject({ status: 403, body: { error: { code: 'CASHIER_CREDENTIALS_INVALID' } } })
    expect(await create({ label: 'x1', expiresIn: '1m', ...good, currentPassword: 'sandbox-password' })).toMatchObject({ status: 422, body: { error: { code: 'FIELD_NOT_DECRYPTABLE' } } })
    expect(await create({ label: 'x1', expiresIn: '2w', ...good })).toMatchObject({ status: 400, body: { error: { code: 'EXPIRY_INVALID' } } })
    expect(await create({ label: 'pos-backend', expiresIn: '1m', ...good })).toMatchObject({ status: 409, body: { error: { code: 'LABEL_TAKEN' } } })
    for (const expiresIn of ['24h', '1m', '3m', '6m', '12m']) expect((await create({ label: `svc-${expiresIn}`, expiresIn, ...good })).status).toBe(201)
  })

  test('an invalidated token is refused at once: ERR_TOKEN_REJECTED with TOKEN_REVOKED', async () => {
    const { token: secret, id } = await sandbox.createToken('to-revoke', '24h')
    const c = client({ token: secret })
    await c.post('/services/verify-fields', {})
    const invalidated = await call(sandbox, 'DELETE', `/api-tokens/${id}`)
    expect(invalidated).toMatchObject({ status: 200, body: { id, status: 'invalidated' } })
    const error = await failure(c.post('/services/verify-fields', {}))
    expect([error.code, error.status, error.serverCode]).toEqual(['ERR_TOKEN_REJECTED', 401, 'TOKEN_REVOKED'])
    expect(isFincodeSecureError(error)).toBe(true)
    expect(await call(sandbox, 'DELETE', '/api-tokens/tok_000000000000')).toMatchObject({ status: 404, body: { error: { code: 'TOKEN_NOT_FOUND' } } })
  })

  test('an expired token is refused: ERR_TOKEN_REJECTED with TOKEN_EXPIRED', async () => {
    const { token: secret, id } = await sandbox.createToken('short-lived', '24h')
    const c = client({ token: secret })
    sandbox.advance(24 * 3600_000 - 60_000)
    await c.post('/services/verify-fields', {})
    sandbox.advance(60_001)
    try {
      const error = await failure(c.post('/services/verify-fields', {}))
      expect([error.code, error.serverCode]).toEqual(['ERR_TOKEN_REJECTED', 'TOKEN_EXPIRED'])
      expect(sandbox.listTokens().find((t) => t.id === id)?.status).toBe('expired')
    } finally {
      sandbox.advance(-24 * 3600_000 - 1)
    }
  })

  test('a token no one issued and a missing token are refused', async () => {
    expect((await failure(client({ token: 'fcs_not-a-real-token' }).post('/services/verify-fields', {}))).serverCode).toBe('TOKEN_INVALID')
    expect(await call(sandbox, 'POST', '/services/verify-fields', {}, { platform: 'fincode', uuid: 'u' })).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_MISSING' } } })
    expect(await call(sandbox, 'POST', '/services/verify-fields', {}, { 'X-Auth-Token': token, uuid: 'u' })).toMatchObject({ status: 400, body: { error: { code: 'HEADER_MISSING', header: 'platform' } } })
  })

  test('a token function is asked on every request, so a new token is used without a restart', async () => {
    const second = (await sandbox.createToken('rotating-secret', '24h')).token
    let current = token
    let asked = 0
    const c = client({ token: async () => (asked++, current) })
    await c.post('/services/verify-fields', {})
    current = second
    await c.post('/services/verify-fields', {})
    expect(asked).toBe(2)
    expect(sandbox.listTokens().find((t) => t.label === 'rotating-secret')?.lastUsedAt).not.toBeNull()
  })
})

describe('key rotation', () => {
  test('after a rotation the client fetches the key again once and retries, encrypting anew from the plaintext', async () => {
    let fetches = 0
    const wire: OutgoingRequest[] = []
    const c = client({ publicKey: () => (fetches++, currentKeyText()), onRequest: (info) => wire.push(info) })
    await c.post('/services/verify-fields', { transactionPin: '1111' })
    const before = sandbox.currentKey().fingerprint
    const after = (await call(sandbox, 'POST', '/encryption-keys/rotate')).body.current.fingerprint
    expect(after).not.toBe(before)

    const answer = await c.post<any>('/services/verify-fields', { transactionPin: '1111' })
    expect(answer.fields[0]).toMatchObject({ decrypted: true, keyFingerprint: after })
    expect(fetches).toBe(2)
    expect(wire.slice(1).map((w) => [w.attempt, w.keyFingerprint])).toEqual([
      [1, before],
      [2, after],
    ])
    expect(JSON.parse(wire[1]!.body!).transactionPin).not.toBe(JSON.parse(wire[2]!.body!).transactionPin)
  })

  test('concurrent requests that meet the same rotation fetch the new key only once', async () => {
    let fetches = 0
    const c = client({ publicKey: () => (fetches++, currentKeyText()) })
    await c.post('/services/verify-fields', { userPin: '1' })
    await sandbox.rotateKey()
    const answers = await Promise.all(Array.from({ length: 8 }, () => c.post<any>('/services/verify-fields', { userPin: '2222' })))
    expect(answers.every((a) => a.fields[0].decrypted)).toBe(true)
    expect(fetches).toBe(2)
  })

  test('a key source that still serves the rotated key is not retried: ERR_KEY_STALE after one attempt (a setting to update, see server-retry.test.ts)', async () => {
    const stale = sandbox.currentKey().publicKey
    await sandbox.rotateKey()
    const wire: OutgoingRequest[] = []
    const error = await failure(client({ publicKey: async () => stale, onRequest: (w) => wire.push(w), logger: { warn: () => {} } }).post('/services/verify-fields', { userPin: '4321' }))
    expect([error.code, error.serverCode]).toEqual(['ERR_KEY_STALE', 'KEY_ROTATED'])
    expect(wire.map((w) => w.attempt)).toEqual([1])
  })

  test('with a fixed key the rotation is reported as ERR_KEY_ROTATED, naming the retired key', async () => {
    const old = sandbox.currentKey()
    const c = client({ publicKey: old.publicKey })
    await sandbox.rotateKey()
    const error = await failure(c.post('/services/verify-fields', { transactionPin: '1234' }))
    expect([error.code, error.status, error.serverCode]).toEqual(['ERR_KEY_ROTATED', 409, 'KEY_ROTATED'])
    expect(error.message).toMatch(/rotated/)
    expect(error.body.error.fields[0]).toMatchObject({ field: 'transactionPin', decrypted: false, reason: 'rotated-key', keyFingerprint: old.fingerprint })
  })

  test('fields encrypted elsewhere (fields: []) pass through unchanged; a stale one is not retried', async () => {
    const old = sandbox.currentKey()
    const fromBrowser = await encryptPayload('8642', old.publicKey)
    let fetches = 0
    const wire: OutgoingRequest[] = []
    const c = client({ publicKey: () => (fetches++, currentKeyText()), onRequest: (w) => wire.push(w) })
    const ok = await c.post<any>('/services/verify-fields', { transactionPin: fromBrowser }, { fields: [] })
    expect(ok.fields[0].decrypted).toBe(true)
    expect(JSON.parse(wire[0]!.body!).transactionPin).toBe(fromBrowser)
    await sandbox.rotateKey()
    const error = await failure(c.post('/services/verify-fields', { transactionPin: fromBrowser }, { fields: [] }))
    expect(error.code).toBe('ERR_KEY_ROTATED')
    expect(wire).toHaveLength(2)
    expect(fetches).toBe(0)
  })
})

describe('timeouts, aborts and transport failures', () => {
  const hanging: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)))

  test('a request that takes too long ends in ERR_TIMEOUT', async () => {
    const error = await failure(client({ fetch: hanging, timeoutMs: 50 }).get('/encryption-keys'))
    expect(error.code).toBe('ERR_TIMEOUT')
    expect(error.message).toMatch(/GET \/encryption-keys timed out after 50 ms/)
  })

  test("the caller's AbortSignal ends a request in ERR_ABORTED, keeping the reason as cause", async () => {
    const controller = new AbortController()
    const pending = client({ fetch: hanging }).get('/encryption-keys', { signal: controller.signal })
    controller.abort(new Error('user left the page'))
    const error = await failure(pending)
    expect(error.code).toBe('ERR_ABORTED')
    expect(error.cause.message).toBe('user left the page')
  })

  test('a slow publicKey function is cut off by the deadline too', async () => {
    const error = await failure(client({ publicKey: () => new Promise<string>(() => {}), timeoutMs: 50 }).post('/services/verify-fields', { userPin: '1' }))
    expect(error.code).toBe('ERR_TIMEOUT')
  })

  test('a server that is not there ends in ERR_NETWORK', async () => {
    const error = await failure(client({ baseUrl: 'http://127.0.0.1:9/api/v6' }).get('/encryption-keys'))
    expect(error.code).toBe('ERR_NETWORK')
  })

  test('a redirect is not followed, so the token never reaches the address in Location', async () => {
    const { createServer } = await import('node:http')
    const reached: string[] = []
    const elsewhere = createServer((req, res) => (reached.push(String(req.headers['x-auth-token'])), res.end('{}')))
    const redirecting = createServer((_req, res) => res.writeHead(307, { Location: `http://127.0.0.1:${port(elsewhere)}/steal` }).end())
    const port = (s: typeof elsewhere) => (s.address() as { port: number }).port
    await Promise.all([elsewhere, redirecting].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))))
    try {
      const error = await failure(client({ baseUrl: `http://127.0.0.1:${port(redirecting)}/api/v6` }).post('/services/verify-fields', {}))
      expect([error.code, error.status]).toEqual(['ERR_API_ERROR', 307])
      expect(error.message).toMatch(/does not follow/)
      expect(reached).toEqual([])
    } finally {
      for (const s of [elsewhere, redirecting]) s.close()
    }
  })

  test('a success answer that is not JSON is an ERR_API_ERROR', async () => {
    const error = await failure(client({ fetch: async () => new Response('<html>proxy</html>', { status: 200 }) }).get('/x'))
    expect([error.code, error.status, error.body]).toEqual(['ERR_API_ERROR', 200, '<html>proxy</html>'])
  })
})
