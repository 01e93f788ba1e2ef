// StrictMode, unmounting mid-encryption, encrypt() timing, reset, and React 19's
// useFormStatus while a form action encrypts.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { createHash } from 'node:crypto'
import { StrictMode, useState } from 'react'
import { useFormStatus } from 'react-dom'
import { afterEach, expect, test, vi } from 'vitest'
import { oaepSha256 } from '../../src/index.js'
import { useEncryptedField, type EncryptedField } from '../../src/react/index.js'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { captureNativePosts, gatedScheme, TrialForm, typeInto, type Received, type TrialMode } from './harness.js'

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

const { publicKey, privateKey } = testKeyPair(2048)
const pause = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

test.each<TrialMode>(['native', 'handler', 'action'])('StrictMode (double mount, double effects): one submission, decrypting to the value (%s)', async (mode) => {
  const errors = vi.spyOn(console, 'error')
  const field = { current: null as EncryptedField | null }
  const received: Received[] = []
  const posts = captureNativePosts()
  try {
    const view = render(
      <StrictMode>
        <TrialForm mode={mode} publicKey={publicKey} fieldRef={field} onReceived={(r) => received.push(r)} />
      </StrictMode>,
    )
    await waitFor(() => expect(field.current!.fingerprint).not.toBeNull())
    const input = view.getByTestId('pin') as HTMLInputElement
    typeInto(input, '482913')
    await act(async () => (view.getByRole('button') as HTMLButtonElement).click())
    const got = () => (mode === 'native' ? posts.posts.map((p) => String(p.get('transactionPin'))) : received.map((r) => r.ciphertext))
    await waitFor(() => expect(got()).toHaveLength(1))
    await pause()
    expect(got()).toHaveLength(1)
    expect(nodeDecrypt(got()[0]!, privateKey)).toBe('482913')
    expect(input.value).toBe('')
    expect(errors).not.toHaveBeenCalled()
  } finally {
    posts.stop()
  }
})

test.each<TrialMode>(['native', 'handler', 'action'])('unmounted while encrypting: nothing submitted, no warning (%s)', async (mode) => {
  const errors = vi.spyOn(console, 'error')
  const warnings = vi.spyOn(console, 'warn')
  const gate = gatedScheme(oaepSha256)
  const field = { current: null as EncryptedField | null }
  const received: Received[] = []
  const posts = captureNativePosts()
  try {
    const view = render(<TrialForm mode={mode} publicKey={publicKey} scheme={gate.scheme} fieldRef={field} onReceived={(r) => received.push(r)} />)
    typeInto(view.getByTestId('pin') as HTMLInputElement, '482913')
    const pending = field.current!.encrypt() // an encrypt() of the app's own, also unfinished
    await act(async () => (view.getByRole('button') as HTMLButtonElement).click())
    await waitFor(() => expect(gate.started()).toBe(2))
    view.unmount()
    gate.release()
    expect(nodeDecrypt(await pending, privateKey)).toBe('482913') // the caller still gets its ciphertext
    await pause(100)
    expect(posts.posts).toEqual([])
    expect(received).toEqual([])
    expect(errors).not.toHaveBeenCalled()
    expect(warnings).not.toHaveBeenCalled()
  } finally {
    posts.stop()
  }
})

test('encrypt() encrypts the value at the time of the call, and the latest call is what the hidden input holds', async () => {
  const gate = gatedScheme(oaepSha256)
  const field = { current: null as EncryptedField | null }
  const view = render(<TrialForm mode="native" publicKey={publicKey} scheme={gate.scheme} fieldRef={field} />)
  const input = view.getByTestId('pin') as HTMLInputElement
  typeInto(input, '123')
  const first = field.current!.encrypt()
  typeInto(input, '4')
  const second = field.current!.encrypt()
  gate.release()
  const [a, b] = await act(() => Promise.all([first, second]))
  expect(nodeDecrypt(a, privateKey)).toBe('123')
  expect(nodeDecrypt(b, privateKey)).toBe('1234')
  expect(field.current!.status).toBe('ready')
  expect(field.current!.ciphertext).toBe(b)
  expect(view.container.querySelector<HTMLInputElement>('input[type=hidden]')!.value).toBe(b)
})

test('reset() and a reset button empty the input and forget the ciphertext', async () => {
  const field = { current: null as EncryptedField | null }
  const view = render(<TrialForm mode="native" publicKey={publicKey} fieldRef={field} />)
  const input = view.getByTestId('pin') as HTMLInputElement
  const hidden = view.container.querySelector<HTMLInputElement>('input[type=hidden]')!
  typeInto(input, '482913')
  await act(() => field.current!.encrypt())
  act(() => field.current!.reset())
  expect([input.value, hidden.value, field.current!.status]).toEqual(['', '', 'idle'])

  typeInto(input, '482913')
  await act(() => field.current!.encrypt())
  act(() => input.form!.reset())
  expect([input.value, hidden.value, field.current!.status]).toEqual(['', '', 'idle'])
})

test.each(['native', 'action'] as const)('a name spread onto the visible input after inputProps is removed: the plaintext is never posted (%s)', async (mode) => {
  const actions: FormData[] = []
  function Careless() {
    const pin = useEncryptedField({ publicKey, name: 'transactionPin' })
    const inputs = (
      <>
        <input {...pin.inputProps} name="pin" data-testid="pin" />
        <input {...pin.hiddenInputProps} />
        <button type="submit">Pay</button>
      </>
    )
    return mode === 'native' ? (
      <form onSubmit={pin.onSubmit} method="post" action="/pay">
        {inputs}
      </form>
    ) : (
      <form action={pin.action(async (data) => void actions.push(data))}>{inputs}</form>
    )
  }
  const posts = captureNativePosts()
  try {
    const view = render(<Careless />)
    const input = view.getByTestId('pin') as HTMLInputElement
    typeInto(input, '482913')
    await act(async () => (view.getByRole('button') as HTMLButtonElement).click())
    await waitFor(() => expect(mode === 'native' ? posts.posts : actions).toHaveLength(1))
    const data = (mode === 'native' ? posts.posts : actions)[0]!
    // The ciphertext, and the fingerprint of the key it was made with (for the server to tell a rotated key); never the PIN.
    expect([...data.keys()].sort()).toEqual(['fincodeKeyFingerprint', 'transactionPin'])
    expect(data.get('fincodeKeyFingerprint')).toBe(createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex'))
    expect(nodeDecrypt(String(data.get('transactionPin')), privateKey)).toBe('482913')
  } finally {
    posts.stop()
  }
})

test('useFormStatus is pending while a form action encrypts, and the action runs only after', async () => {
  const gate = gatedScheme(oaepSha256)
  const seen: FormData[] = []
  function Status() {
    const { pending } = useFormStatus()
    return <span data-testid="pending">{String(pending)}</span>
  }
  function ActionPin() {
    const pin = useEncryptedField({ publicKey, name: 'userPin', scheme: gate.scheme })
    const [saved, setSaved] = useState(0)
    return (
      <form action={pin.action(async (data) => void (seen.push(data), setSaved((n) => n + 1)))}>
        <input {...pin.inputProps} data-testid="pin" />
        <Status />
        <button type="submit">Save {saved}</button>
      </form>
    )
  }
  const view = render(<ActionPin />)
  typeInto(view.getByTestId('pin') as HTMLInputElement, '482913')
  await act(async () => (view.getByRole('button') as HTMLButtonElement).click())
  await waitFor(() => expect(gate.started()).toBe(1))
  expect(view.getByTestId('pending').textContent).toBe('true')
  await pause()
  expect(seen).toEqual([])
  expect(view.getByTestId('pending').textContent).toBe('true')
  gate.release()
  await waitFor(() => expect(view.getByTestId('pending').textContent).toBe('false'))
  expect(seen).toHaveLength(1)
  expect(nodeDecrypt(String(seen[0]!.get('userPin')), privateKey)).toBe('482913')
})

test('a resubmission stopped by constraint validation clears nothing: the PIN stays typed, and the next submit posts it', async () => {
  const gate = gatedScheme(oaepSha256)
  function Transfer() {
    const pin = useEncryptedField({ publicKey, name: 'transactionPin', scheme: gate.scheme })
    return (
      <form onSubmit={pin.onSubmit} method="post" action="/pay">
        <input name="amount" required defaultValue="1200" aria-label="amount" />
        <input {...pin.inputProps} aria-label="pin" />
        <input {...pin.hiddenInputProps} />
        <button type="submit">Pay</button>
      </form>
    )
  }
  const posts = captureNativePosts()
  try {
    const view = render(<Transfer />)
    const amount = view.getByLabelText('amount') as HTMLInputElement
    const pin = view.getByLabelText('pin') as HTMLInputElement
    typeInto(pin, '482913')
    await act(async () => (view.getByRole('button') as HTMLButtonElement).click())
    await waitFor(() => expect(gate.started()).toBe(1))
    amount.value = '' // made invalid while the PIN is encrypted
    gate.release()
    await pause(100)
    expect(posts.posts).toEqual([])
    expect(pin.value).toBe('482913')

    amount.value = '1300'
    await act(async () => (view.getByRole('button') as HTMLButtonElement).click())
    await waitFor(() => expect(posts.posts).toHaveLength(1))
    expect(posts.posts[0]!.get('amount')).toBe('1300')
    expect(nodeDecrypt(String(posts.posts[0]!.get('transactionPin')), privateKey)).toBe('482913')
    expect(pin.value).toBe('')
  } finally {
    posts.stop()
  }
})
