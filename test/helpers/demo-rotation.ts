// What the demo's key-rotation tests do outside the browser: rotate the organisation
// key out of band — through the sandbox's HTTP API, as an admin's dashboard click
// does, or with `fincode-secure sandbox rotate` talking to the running sandbox —
// and ask the sandbox which transaction PIN it holds, with a token of the test's own.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { encryptPayload, importPublicKey } from '../../src/index.js'
import { createFincodeClient, isFincodeApiError } from '../../src/server/index.js'
import { expect } from 'vitest'
import { holdsSecret } from './secret-search.js'

const root = new URL('../../', import.meta.url).pathname
const CASHIER = { email: 'cashier@example.com', password: 'sandbox-password' }

async function sandboxJson<T>(sandboxApi: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(sandboxApi + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  })
  const answer = await response.json()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`)
  return answer as T
}

/** The sandbox's current key, as its dashboard shows it. */
export const currentKey = (sandboxApi: string) => sandboxJson<{ publicKey: string; fingerprint: string }>(sandboxApi, 'GET', '/encryption-keys/current')

/** `POST /encryption-keys/rotate` on the sandbox's HTTP API; resolves with the new key's fingerprint. */
export async function rotateOverHttp(sandboxApi: string): Promise<string> {
  const { current } = await sandboxJson<{ current: { fingerprint: string } }>(sandboxApi, 'POST', '/encryption-keys/rotate', {})
  return current.fingerprint
}

/**
 * `fincode-secure sandbox rotate --data-dir DIR` while the demo's sandbox holds DIR: the CLI finds the
 * running sandbox's URL in its lock file and asks it over HTTP. Resolves with the new key's fingerprint
 * as the CLI printed it.
 */
export function rotateWithCli(dataDir: string, timeoutMs = 30_000): Promise<{ fingerprint: string; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}dist/cli/main.js`, 'sandbox', 'rotate', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`fincode-secure sandbox rotate did not finish within ${timeoutMs} ms:\n${output}`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      const fingerprint = /current\s+([0-9a-f]{64})/.exec(output)?.[1]
      if (code !== 0 || !fingerprint) reject(new Error(`fincode-secure sandbox rotate exited with ${code}:\n${output}`))
      else resolve({ fingerprint, output })
    })
  })
}

/**
 * Asks the sandbox whether `pin` is its transaction PIN without changing it: a change from `pin` to `pin`
 * is refused with PIN_UNCHANGED when `pin` is the current PIN, and with PIN_INCORRECT when it is not.
 * The probe has its own API token (created with the cashier's encrypted password) and encrypts with the
 * key current at the time of the call.
 */
export async function sandboxPinProbe(sandboxApi: string): Promise<(pin: string) => Promise<boolean>> {
  const key = await importPublicKey((await currentKey(sandboxApi)).publicKey)
  const { token } = await sandboxJson<{ token: string }>(sandboxApi, 'POST', '/api-tokens', {
    label: `pin-probe-${randomUUID().slice(0, 8)}`,
    expiresIn: '24h',
    email: CASHIER.email,
    currentPassword: await encryptPayload(CASHIER.password, key),
  })
  const client = createFincodeClient({ baseUrl: sandboxApi, token, publicKey: async () => (await currentKey(sandboxApi)).publicKey, uuid: 'demo-pin-probe' })
  return async (pin) => {
    try {
      await client.post('/services/change-pin', { userPin: pin, transactionPin: pin, confirmation: { transactionPin: pin } })
    } catch (error) {
      if (isFincodeApiError(error) && error.serverCode === 'PIN_UNCHANGED') return true
      if (isFincodeApiError(error) && error.serverCode === 'PIN_INCORRECT') return false
      throw error
    }
    throw new Error('the sandbox accepted a change of the PIN to itself')
  }
}

/** How one browser's test drives the demo's PIN form (Firefox over BiDi, WebKitGTK over WebDriver). */
export interface PinFormDriver {
  /** The running demo (set in the file's beforeAll, so read when a test runs). */
  demo: () => { sandboxApi: string; dataDir: string }
  /** Fills the form to change the current PIN to `next`; resolves to the fingerprint of the key it holds. */
  fillForm: (next: string) => Promise<string>
  /** Submits and checks: two sends (old key, then `newKey`), nothing retyped, the sandbox's PIN is `next`. */
  submitAndCheck: (next: string, oldKey: string, newKey: string) => Promise<void>
}

/** The three out-of-band rotations of issue 15, the same in every browser that runs them. */
export function defineRotationScenarios(test: (name: string, fn: () => Promise<void>) => void, driver: PinFormDriver): void {
  test('rotated through the sandbox’s HTTP API, submitted at once', async () => {
    const oldKey = await driver.fillForm('602817')
    await driver.submitAndCheck('602817', oldKey, await rotateOverHttp(driver.demo().sandboxApi))
  })

  test('rotated with `fincode-secure sandbox rotate`, submitted 5 s later', async () => {
    const oldKey = await driver.fillForm('948136')
    const { fingerprint } = await rotateWithCli(driver.demo().dataDir)
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    await driver.submitAndCheck('948136', oldKey, fingerprint)
  })

  test('two rotations in a row: the retry uses the newest key', async () => {
    const oldKey = await driver.fillForm('375029')
    await rotateOverHttp(driver.demo().sandboxApi)
    const { fingerprint: newest } = await rotateWithCli(driver.demo().dataDir)
    await driver.submitAndCheck('375029', oldKey, newest)
  })
}

/** What the page recorded and shows after one submission across a rotation, however the browser was driven. */
export interface RecoveredSubmission {
  /** Every request the page's fetch made for this submission (the demo's `window.__requests`). */
  requests: { url: string; body: string }[]
  /** The wire view's attempts, as text. */
  attempts: string[]
  /** The PIN inputs' values afterwards. */
  fieldValues: string[]
  oldKey: string
  newKey: string
  /** The PINs that must appear in no request. */
  secrets: string[]
  sandboxApi: string
}

/**
 * The demo's promise for a submission across a rotation: two sends to the app's server, the first with the
 * refused key and the second with the new one, each carrying only ciphertexts; no PIN in any request the page
 * made; the wire view shows the 409 then the sandbox's 200; the inputs emptied after the success.
 */
export function expectRecoveredSubmission({ requests, attempts, fieldValues, oldKey, newKey, secrets, sandboxApi }: RecoveredSubmission): void {
  const submissions = requests.filter((r) => r.url.endsWith('/demo-api/change-pin')).map((r) => JSON.parse(r.body) as Record<string, string>)
  expect(submissions.map((b) => b.fincodeKeyFingerprint)).toEqual([oldKey, newKey])
  for (const body of submissions) {
    for (const name of ['userPin', 'transactionPin', 'confirmation.transactionPin']) expect(body[name]).toMatch(/^[A-Za-z0-9+/]{342}==$/)
  }
  for (const { url, body } of requests) {
    const values = body ? Object.entries(JSON.parse(body) as Record<string, unknown>).filter(([name]) => name !== 'fincodeKeyFingerprint').map(([, v]) => String(v)) : []
    for (const secret of secrets) {
      expect(url).not.toContain(secret)
      for (const value of values) expect(holdsSecret(value, secret), value).toBe(false)
    }
  }
  expect(attempts).toHaveLength(2)
  expect(attempts[0]).toContain('409 KEY_ROTATED')
  expect(attempts[1]).toContain(`POST ${sandboxApi}/services/change-pin → 200`)
  expect(fieldValues).toEqual(['', '', ''])
}
