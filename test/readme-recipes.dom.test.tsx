// The README's first recipe, the React page (test/examples/readme/app/change-pin/pin-form.tsx), in happy-dom
// against a real sandbox behind the forwarding app of the key-rotation tests: the key comes from the key
// endpoint, only ciphertexts leave the page, a refused value stays typed, and after a key rotation the PINs
// stay typed and the next click goes through with the new key.
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { ChangePinPage } from './examples/readme/app/change-pin/pin-form.js'
import { startKeyRotationApp, type KeyRotationApp } from './helpers/key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js'
import { typeInto } from './react/harness.js'
import { buffered } from './helpers/buffered-response.js'

let sandbox: TestSandbox
let app: KeyRotationApp
let restoreFetch = () => {}

beforeAll(async () => {
  sandbox = await startTestSandbox({ transactionPin: '0000' })
  app = await startKeyRotationApp(sandbox)
  // The page is served by the app, so "/api/fincode-key" and "/api/change-pin" are its routes.
  ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${app.url}/change-pin`)
  const pageFetch = globalThis.fetch
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    // The app takes FinCode's names; recipe 3's route maps the form's names with readEncryptedFields
    // (run in Node by readme-recipes.test.ts). Here the same mapping is done on the way out.
    if (String(input).endsWith('/api/change-pin') && typeof init?.body === 'string') {
      const { currentPin, newPin, newPinAgain, ...rest } = JSON.parse(init.body) as Record<string, string>
      init = { ...init, body: JSON.stringify({ ...rest, userPin: currentPin, transactionPin: newPin, confirmation: { transactionPin: newPinAgain } }) }
    }
    return buffered(await pageFetch(input, init)) // see buffered-response.ts
  }
  restoreFetch = () => (globalThis.fetch = pageFetch)
})
afterAll(async () => {
  restoreFetch()
  await app?.close()
  await sandbox?.dispose()
})
afterEach(cleanup)

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement
const button = () => screen.getByRole('button', { name: 'Change PIN' }) as HTMLButtonElement
const status = () => screen.getByRole('status').textContent
function typePins(current: string, next: string, again = next) {
  typeInto(input('Current PIN'), current)
  typeInto(input('New PIN'), next)
  typeInto(input('New PIN again'), again)
}

test('the key loads from the key endpoint; a refused value is shown at its field, stays typed, and nothing is sent', async () => {
  render(<ChangePinPage />)
  await waitFor(() => expect(button().disabled).toBe(false))
  const received = app.received.length
  typePins('0000', '12')
  await act(async () => button().click())
  await waitFor(() => expect(document.body.textContent).toContain('Use four to six digits.'))
  expect(input('New PIN').value).toBe('12')
  expect(app.received.slice(received).filter((r) => r.method === 'POST')).toEqual([])
})

test('only ciphertexts and the key fingerprint leave the page, and the sandbox changes the PIN', async () => {
  render(<ChangePinPage />)
  await waitFor(() => expect(button().disabled).toBe(false))
  const received = app.received.length
  typePins('0000', '2468')
  await act(async () => button().click())
  await waitFor(() => expect(status()).toBe('Your PIN was changed.'))
  const posts = app.received.slice(received).filter((r) => r.method === 'POST')
  expect(posts.map((r) => r.path)).toEqual(['/api/change-pin'])
  expect(Object.keys(JSON.parse(posts[0]!.body) as object).sort()).toEqual(['confirmation', 'fincodeKeyFingerprint', 'transactionPin', 'userPin'])
  expect(posts[0]!.body).not.toMatch(/"(0000|2468)"/)
  expect(JSON.parse(posts[0]!.body).fincodeKeyFingerprint).toBe(sandbox.currentKey().fingerprint)
  expect(input('Current PIN').value).toBe('')
})

test('a key rotated while the form is filled: refused once, sent again with the new key by itself, nothing typed again', async () => {
  render(<ChangePinPage />)
  await waitFor(() => expect(button().disabled).toBe(false))
  typePins('2468', '1357')
  await sandbox.rotateKey() // on the dashboard, while the form is open
  const forwards = app.forwards.length
  await act(async () => button().click())
  await waitFor(() => expect(status()).toBe('Your PIN was changed.'), { timeout: 10_000 })
  expect(app.forwards.slice(forwards).map((f) => [f.status, f.fingerprint === sandbox.currentKey().fingerprint])).toEqual([
    [409, false],
    [200, true],
  ])
  expect(input('Current PIN').value, 'emptied after the accepted send').toBe('')
})
