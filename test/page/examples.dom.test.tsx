// The examples of docs/key-rotation.md, run against a real sandbox behind the forwarding app.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { startKeyRotationApp, type KeyRotationApp } from '../helpers/key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js'
import { typeInto } from '../react/harness.js'
import { App } from './examples/key-provider.js'
import { keySource, mountVerifyForm } from './examples/key-source-dom.js'
import { mountPinForm } from './examples/pin-form-dom.js'
import { bufferedFetch } from '../helpers/buffered-response.js'

let sandbox: TestSandbox
let app: KeyRotationApp
let restoreFetch = () => {}

beforeAll(async () => {
  sandbox = await startTestSandbox()
  app = await startKeyRotationApp(sandbox)
  // The page is served by the app, so "/api/fincode-key" is its key endpoint.
  ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${app.url}/pin`)
  // The example hands fetch's Response to submitWithKeyRecovery: buffered in happy-dom (see buffered-response.ts).
  const pageFetch = globalThis.fetch
  globalThis.fetch = bufferedFetch(pageFetch)
  restoreFetch = () => (globalThis.fetch = pageFetch)
})
afterAll(async () => {
  restoreFetch()
  await app?.close()
  await sandbox?.dispose()
})
afterEach(() => {
  cleanup()
  app.keyMode('live')
})

test('pin-form-dom.ts: a key rotated while the PIN is typed costs no retype', async () => {
  document.body.innerHTML = '<form><input type="password" data-encrypted-name="transactionPin"><button>Send</button><output></output></form>'
  const form = document.querySelector('form')!
  const unmount = mountPinForm(form, { keyUrl: '/api/fincode-key', sendUrl: '/api/verify' })
  try {
    typeInto(form.querySelector('input')!, '482913')
    await sandbox.rotateKey()
    const forwards = app.forwards.length
    form.requestSubmit()
    await waitFor(() => expect(form.querySelector('output')!.textContent).toBe('PIN changed.'))
    expect(app.forwards.slice(forwards).map((f) => f.status)).toEqual([409, 200])
    expect(form.querySelector('input')!.value).toBe('')
  } finally {
    unmount()
  }
})

test('pin-form-dom.ts: a stale key on the server shows ERR_KEY_STALE’s message; the PIN stays typed', async () => {
  app.keyMode('stale')
  await sandbox.rotateKey()
  document.body.innerHTML = '<form><input type="password" data-encrypted-name="transactionPin"><button>Send</button><output></output></form>'
  const form = document.querySelector('form')!
  const unmount = mountPinForm(form, { keyUrl: '/api/fincode-key', sendUrl: '/api/verify' })
  try {
    typeInto(form.querySelector('input')!, '482913')
    form.requestSubmit()
    await waitFor(() => expect(form.querySelector('output')!.textContent).toMatch(/still serves that same key/))
    expect(form.querySelector('input')!.value).toBe('482913')
  } finally {
    unmount()
  }
})

test('key-provider.tsx: the form gets the key from the provider; a failing endpoint shows its error and a retry', async () => {
  app.keyMode('down')
  const saved: Record<string, string>[] = []
  const view = render(<App save={async (values) => void saved.push(values)} />)
  await view.findByText(/could not be loaded from \/api\/fincode-key: it answered HTTP 503/)
  expect(view.getByText('Change PIN')).toHaveProperty('disabled', true)

  app.keyMode('live')
  await act(async () => view.getByText('Try again').click())
  await waitFor(() => expect(view.getByText('Change PIN')).toHaveProperty('disabled', false))
  typeInto(view.getByLabelText('Transaction PIN') as HTMLInputElement, '482913')
  await act(async () => view.getByText('Change PIN').click())
  await waitFor(() => expect(saved).toHaveLength(1))
  // The form's values carry the fingerprint of the key used, for the server's rotation check.
  expect(saved[0]).toEqual({ transactionPin: expect.stringMatching(/^[A-Za-z0-9+/]{342}==$/), fincodeKeyFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) })
})

test('key-source-dom.ts: encryptForm with a key source; a key rotated while the PIN is typed costs no retype', async () => {
  document.body.innerHTML = '<form><input type="password" data-fincode-field="transactionPin"><button>Send</button><output></output></form>'
  const form = document.querySelector('form')!
  const unmount = mountVerifyForm(form)
  try {
    await waitFor(() => expect(keySource.getSnapshot().status).toBe('ready'))
    typeInto(form.querySelector('input')!, '482913')
    await sandbox.rotateKey()
    const forwards = app.forwards.length
    form.requestSubmit()
    await waitFor(() => expect(form.querySelector('output')!.textContent).toBe('Verified.'), { timeout: 10_000 })
    expect(app.forwards.slice(forwards).map((forward) => forward.status)).toEqual([409, 200])
    expect(form.querySelector('input')!.value).toBe('')
  } finally {
    unmount()
  }
})
