// The forwarding recipes of docs/key-rotation.md (test/examples/forward/), run
// against the sandbox as an operator lives through a rotation: the key lives in
// FINCODE_PUBLIC_KEY, the page loads it from the key route, the Server Action
// forwards. Rotated on the dashboard → KEY_STALE and a log line until the
// operator updates the setting → then KEY_ROTATED, and the page recovers.
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { encryptPayload, importPublicKey, readKeyRotated } from '../src/index.js'
import { submitEncrypted } from './examples/forward/page-reads-answer.js'
import { GET as keyRoute } from './examples/key-endpoint/next-route.js'
import { server as keyServer } from './examples/key-endpoint/node-http.js'
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

let sandbox: TestSandbox
let changePin: typeof import('./examples/forward/change-pin-action.js').changePin
let changePinRoute: typeof import('./examples/forward/change-pin-route.js').POST
let pin = '2024'

beforeAll(async () => {
  sandbox = await startTestSandbox({ transactionPin: pin })
  // The deployment's settings, as the operator configured them.
  process.env.FINCODE_API_URL = sandbox.apiUrl
  process.env.FINCODE_API_TOKEN = (await sandbox.createToken('shop', '1m')).token
  process.env.FINCODE_UUID = 'integration-0001'
  process.env.FINCODE_PUBLIC_KEY = sandbox.currentKey().publicKey
  changePin = (await import('./examples/forward/change-pin-action.js')).changePin
  changePinRoute = (await import('./examples/forward/change-pin-route.js')).POST
})
afterAll(() => sandbox?.dispose())
afterEach(() => vi.restoreAllMocks())

/** The page: the key from the key route, the typed PINs encrypted with it, and the fingerprint beside them. */
async function encryptInPage(next: string): Promise<Record<string, string>> {
  const { publicKey } = await (await keyRoute(new Request('http://shop.test/api/fincode-key'))).json()
  const key = await importPublicKey(publicKey)
  return {
    currentPin: await encryptPayload(pin, key),
    newPin: await encryptPayload(next, key),
    newPinAgain: await encryptPayload(next, key),
    fincodeKeyFingerprint: key.fingerprint,
  }
}

function formData(values: Record<string, string>): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries(values)) form.set(name, value)
  return form
}

test('the page encrypts with the key from the route; the Server Action forwards; the PIN changes', async () => {
  expect(await changePin(formData(await encryptInPage('3141')))).toEqual({ ok: true })
  pin = '3141'
})

describe('a rotation on the dashboard, as the operator lives through it', () => {
  let openForm: Record<string, string>

  test('until FINCODE_PUBLIC_KEY is updated: KEY_STALE for the page, ERR_KEY_STALE once read, one log line naming the setting', async () => {
    openForm = await encryptInPage('2718') // a form filled before the rotation
    await sandbox.rotateKey()
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line))

    const result = await changePin(formData(openForm))
    expect(result).toMatchObject({ error: { code: 'KEY_STALE' } })
    expect((await readKeyRotated(result))?.code).toBe('ERR_KEY_STALE')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/Update FINCODE_PUBLIC_KEY to the current key from Settings → API Connections → Encryption Keys/)

    // A form loaded during the gap gets the stale key from the route, and the same answer.
    expect(await changePin(formData(await encryptInPage('2718')))).toMatchObject({ error: { code: 'KEY_STALE' } })
  })

  test('once it is updated: the open form gets KEY_ROTATED with the new fingerprint, encrypts again with the key the route now serves, and the PIN changes', async () => {
    process.env.FINCODE_PUBLIC_KEY = sandbox.currentKey().publicKey // the operator's step

    const first = await changePin(formData(openForm))
    expect(first).toMatchObject({ error: { code: 'KEY_ROTATED', fingerprint: sandbox.currentKey().fingerprint } })
    const error = await readKeyRotated(first)
    expect(error?.code).toBe('ERR_KEY_ROTATED')

    // What the form does on ERR_KEY_ROTATED: load the key again, encrypt what the inputs hold, submit once more.
    expect(await changePin(formData(await encryptInPage('2718')))).toEqual({ ok: true })
    pin = '2718'
  })
})

describe('the route handler (JSON)', () => {
  const post = (values: Record<string, string>) => changePinRoute(new Request('http://shop.test/api/change-pin', { method: 'POST', body: JSON.stringify(values) }))

  test('forwards and answers with what FinCode said', async () => {
    const response = await post(await encryptInPage('1618'))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ changed: true })
    pin = '1618'
  })

  test('a key rotated while the page was open, the setting already updated: 409 that readKeyRotated reads as ERR_KEY_ROTATED', async () => {
    const values = await encryptInPage('1414')
    await sandbox.rotateKey()
    process.env.FINCODE_PUBLIC_KEY = sandbox.currentKey().publicKey
    const response = await post(values)
    expect(response.status).toBe(409)
    expect((await readKeyRotated(response))?.code).toBe('ERR_KEY_ROTATED')
  })
})

describe('the page helper of the docs (core only): submitEncrypted', () => {
  let keyUrl: string
  beforeAll(async () => {
    await new Promise<void>((done) => keyServer.listen(0, '127.0.0.1', done))
    keyUrl = `http://127.0.0.1:${(keyServer.address() as { port: number }).port}/api/fincode-key`
  })
  afterAll(() => new Promise<void>((done) => keyServer.close(() => done())))

  test('a rotation between loading the key and submitting: one resubmission with the new key, the PIN changes', async () => {
    let posts = 0
    const result = await submitEncrypted({ currentPin: pin, newPin: '5050', newPinAgain: '5050' }, async (form) => {
      if (++posts === 1) {
        // rotated, and the store updated, while the user was typing
        await sandbox.rotateKey()
        process.env.FINCODE_PUBLIC_KEY = sandbox.currentKey().publicKey
      }
      return changePin(form)
    }, keyUrl)
    expect(result).toEqual({ ok: true })
    expect(posts).toBe(2)
    pin = '5050'
  })

  test('a stale key on the server: ERR_KEY_STALE after one post, no retry', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    await sandbox.rotateKey() // FINCODE_PUBLIC_KEY not updated
    let posts = 0
    const error = await submitEncrypted({ currentPin: pin, newPin: '6060', newPinAgain: '6060' }, (form) => (posts++, changePin(form)), keyUrl).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_KEY_STALE' })
    expect(posts).toBe(1)
    process.env.FINCODE_PUBLIC_KEY = sandbox.currentKey().publicKey
  })
})
