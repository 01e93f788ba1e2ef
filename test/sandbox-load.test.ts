// Under load the sandbox loses nothing: 2,000 client requests, 50 at a time,
// while the key is rotated 10 times and API tokens are created and revoked.
// Every request ends in a success or a typed error — never a 5xx, never a hang —
// and the state on disk is whole and consistent afterwards.
import { createHash, createPublicKey } from 'node:crypto'
import { expect, test } from 'vitest'
import { encryptPayload, isFincodeSecureError } from '../src/index.js'
import { startSandbox } from '../src/sandbox/index.js'
import { readState, stateProblem } from '../src/sandbox/state-file.js'
import { createFincodeClient } from '../src/server/index.js'
import { call, startTestSandbox } from './helpers/sandbox.js'

const REQUESTS = 2_000
const CONCURRENCY = 50
const ROTATIONS = 10
const TOKEN_CHURN_EVERY = 100

test('2,000 requests, 50 concurrent, through 10 key rotations and token churn', async () => {
  const problems: string[] = []
  const sandbox = await startTestSandbox({ log: (line) => line.startsWith('internal error') && problems.push(line) })
  const statuses = new Map<number, number>()
  const observe: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
    return response
  }
  const currentKey = async () => (await call(sandbox, 'GET', '/encryption-keys/current')).body.publicKey as string

  // A long-lived token for most requests; a churning one that is replaced (and the old one revoked) as the run goes.
  const stable = (await sandbox.createToken('load-stable', '12m')).token
  const churned: { id: string; token: string }[] = []
  const revoked = new Set<string>()
  let labels = 0
  async function createChurnToken(): Promise<void> {
    const label = `load-churn-${labels++}`
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await call(sandbox, 'POST', '/api-tokens', {
        label,
        expiresIn: '24h',
        email: 'cashier@example.com',
        currentPassword: await encryptPayload('sandbox-password', await currentKey()),
      })
      if (answer.status === 201) return void churned.push({ id: answer.body.id, token: answer.body.token })
      expect(answer.body.error.code).toBe('KEY_ROTATED') // a rotation between fetching the key and creating: try again
    }
    throw new Error('could not create a token in 5 attempts')
  }
  await createChurnToken()

  let keyFetches = 0
  const client = (token: () => string) =>
    createFincodeClient({ baseUrl: sandbox.apiUrl, token, publicKey: () => (keyFetches++, currentKey()), uuid: 'load-test', fetch: observe, timeoutMs: 20_000 })
  const stableClient = client(() => stable)
  const churnClient = client(() => churned.at(-1)!.token)

  const outcomes = new Map<string, number>()
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1)
  let done = 0
  let rotationsStarted = 0
  const background: Promise<unknown>[] = []

  async function one(i: number): Promise<void> {
    const useChurn = i % 10 === 0
    const body = { orderId: `o-${i}`, transactionPin: String(i % 10_000).padStart(4, '0'), ...(i % 3 === 0 ? { payer: { securityAnswer: `answer ${i}` } } : {}) }
    try {
      const answer = await (useChurn ? churnClient : stableClient).post<{ fields: { decrypted: boolean }[] }>('/services/verify-fields', body)
      expect(answer.fields.length).toBe(i % 3 === 0 ? 2 : 1)
      expect(answer.fields.every((f) => f.decrypted)).toBe(true)
      count('ok')
    } catch (error) {
      if (!isFincodeSecureError(error)) throw error
      const e = error as { code: string; serverCode?: string; status?: number }
      count(`${e.code}${e.serverCode ? `/${e.serverCode}` : ''}`)
      // The churning token may be revoked under a request; a second rotation may land inside a retry.
      const expected = (useChurn && e.code === 'ERR_TOKEN_REJECTED' && e.serverCode === 'TOKEN_REVOKED') || (e.code === 'ERR_KEY_ROTATED' && e.status === 409)
      if (!expected) throw error
    } finally {
      done++
      if (done % Math.floor(REQUESTS / (ROTATIONS + 1)) === 0 && rotationsStarted < ROTATIONS) {
        rotationsStarted++
        background.push(call(sandbox, 'POST', '/encryption-keys/rotate').then((r) => expect(r.status).toBe(201)))
      }
      if (done % TOKEN_CHURN_EVERY === 0) {
        const previous = churned.at(-1)!
        background.push(
          createChurnToken().then(async () => {
            revoked.add(previous.id)
            expect((await call(sandbox, 'DELETE', `/api-tokens/${previous.id}`)).status).toBe(200)
          }),
        )
      }
    }
  }

  let next = 0
  const started = Date.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) await one(next++)
    }),
  )
  await Promise.all(background)
  const seconds = (Date.now() - started) / 1000

  const total = [...outcomes.values()].reduce((a, b) => a + b, 0)
  expect(total).toBe(REQUESTS)
  expect(rotationsStarted).toBe(ROTATIONS)
  expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([])
  expect(problems).toEqual([])
  // Retries after rotations happened, and most requests went through.
  expect(statuses.get(409) ?? 0).toBeGreaterThan(0)
  expect(outcomes.get('ok')!).toBeGreaterThan(REQUESTS * 0.9)
  expect(keyFetches).toBeLessThan(100)
  console.log(`load: ${REQUESTS} requests in ${seconds.toFixed(1)} s`, Object.fromEntries(outcomes), 'HTTP', Object.fromEntries(statuses), `key fetches ${keyFetches}`)

  // On disk: one whole state, agreeing with what the run did.
  const lastKey = sandbox.currentKey()
  await sandbox.close()
  const state = (await readState(sandbox.dataDir))!
  expect(stateProblem(state)).toBeUndefined()
  expect(state.currentKey.fingerprint).toBe(lastKey.fingerprint)
  expect(state.retiredKeys).toHaveLength(ROTATIONS)
  for (const key of [state.currentKey, ...state.retiredKeys]) {
    // Each stored private key belongs to its stored public key.
    const spki = createPublicKey(key.privateKeyPem).export({ type: 'spki', format: 'der' })
    expect(spki.toString('base64')).toBe(key.publicKey)
    expect(createHash('sha256').update(spki).digest('hex')).toBe(key.fingerprint)
  }
  expect(new Set([state.currentKey.id, ...state.retiredKeys.map((k) => k.id)]).size).toBe(ROTATIONS + 1)
  const ids = state.tokens.map((t) => t.id)
  expect(new Set(ids).size).toBe(ids.length)
  for (const { id } of churned) expect(ids).toContain(id)
  for (const t of state.tokens) expect(t.invalidatedAt !== null).toBe(revoked.has(t.id))
  expect(state.tokens.find((t) => t.label === 'load-stable')!.lastUsedAt).not.toBeNull()
  const onDisk = JSON.stringify(state)
  for (const { token } of churned) expect(onDisk).not.toContain(token)

  // And it restarts into the same state.
  const again = await startSandbox({ port: 0, dataDir: sandbox.dataDir })
  try {
    expect(again.currentKey().fingerprint).toBe(lastKey.fingerprint)
    expect(again.listTokens()).toHaveLength(state.tokens.length)
  } finally {
    await again.close()
    const { rmSync } = await import('node:fs')
    rmSync(sandbox.dataDir, { recursive: true, force: true })
  }
}, 180_000)
