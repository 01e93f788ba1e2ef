// Issue 15.4 in the forms controller, written once and run in happy-dom
// (form-recovery.dom.test.tsx) and in Chromium (form-recovery.browser.test.tsx),
// against a real sandbox behind "your server" (test/helpers/key-rotation-app.ts):
// a key rotated out of band while the form is filled costs no retype, because
// the hooks' handleSubmit and actionState and the DOM handle's submit(fn) fetch
// the new key, encrypt what the inputs hold again and send once more, by themselves.
// DOM-only: no node: imports.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { useActionState, type RefObject } from 'react'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { encryptForm } from '../../src/dom/index.js'
import { createFincodeKeySource, encryptPayload, submitWithKeyRecovery } from '../../src/index.js'
import {
  FincodeKeyProvider,
  useEncryptedField,
  useEncryptedFields,
  type EncryptedFieldStatus,
  type EncryptedFields,
  type EncryptedValues,
  type KeyRetry,
} from '../../src/react/index.js'
import type { Forward, KeyMode } from '../helpers/key-rotation-app.js'
import { holdsSecret } from '../helpers/secret-search.js'
import { findInFiberTree } from '../react/fiber-walk.js'
import { typeInto } from '../react/harness.js'

/** The sandbox and "your server", as the environment running the page reaches them. */
export interface RecoveryRig {
  appUrl: string
  /** Rotates the sandbox's key out of band (an admin on the dashboard); the new fingerprint. */
  rotate(): Promise<string>
  keyMode(mode: KeyMode): Promise<void>
  /** The sandbox's current key's fingerprint. */
  fingerprint(): Promise<string>
  /** Every forward from "your server" to the sandbox so far. */
  forwards(): Promise<Forward[]>
  /** Every body the page sent to "your server" so far. */
  bodies(): Promise<string[]>
  /** The page's fetch. happy-dom's loses a socket-backed body on clone() (capricorn86/happy-dom#2353): it is given buffered. */
  fetch: typeof fetch
}

/** The sandbox's PIN before and after each test: tests that change it change it back. */
const PIN = '0000'
const NEW_PIN = '482913'
/** Two round trips through the sandbox (its scrypt PIN check included) on 2 shared cores. */
const SLOW = { timeout: 10_000 }

export function formRecoverySuite(rig: RecoveryRig): void {
  const keyUrl = () => `${rig.appUrl}/api/fincode-key`
  const postJson = (path: string, body: unknown) =>
    rig.fetch(`${rig.appUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  /** "Your server"'s change-pin route wants the confirmation nested, as the sandbox does. */
  const changePin = ({ confirmationPin, ...values }: EncryptedValues) => postJson('/api/change-pin', { ...values, confirmation: { transactionPin: confirmationPin } })
  const verify = (values: EncryptedValues) => postJson('/api/verify', values)
  const forwardsSince = async (count: number) => (await rig.forwards()).slice(count).map((forward) => [forward.fingerprint, forward.status])

  /** Proves the sandbox's PIN is `from` by changing it to `to` (outside any form). */
  async function changeBack(from: string, to: string): Promise<void> {
    const source = createFincodeKeySource(keyUrl())
    const response = await submitWithKeyRecovery({
      keySource: source,
      encrypt: async (key) => ({
        userPin: await encryptPayload(from, key),
        transactionPin: await encryptPayload(to, key),
        confirmationPin: await encryptPayload(to, key),
      }),
      send: changePin,
    })
    expect(response.status, `the sandbox's PIN is ${from}`).toBe(200)
  }

  beforeEach(() => rig.keyMode('live'))
  afterEach(cleanup)

  interface Seen {
    form: EncryptedFields | null
    statuses: EncryptedFieldStatus[]
  }

  /** The change-PIN form of an app under <FincodeKeyProvider>: no publicKey anywhere, the provider's key. */
  function ChangePinForm({ seen, mode, onKeyRetry, onAnswer }: { seen: RefObject<Seen>; mode: 'handler' | 'actionState'; onKeyRetry: (retry: KeyRetry) => void; onAnswer: (status: number) => void }) {
    const current = useEncryptedField({ name: 'userPin', required: true, onKeyRetry })
    const next = useEncryptedField({ name: 'transactionPin', required: true })
    const confirm = useEncryptedField({ name: 'confirmationPin', required: true })
    const form = useEncryptedFields([current, next, confirm])
    // Like a Server Action: the rotated-key answer is returned as the plain object your server sent.
    const [state, dispatch] = useActionState(
      form.actionState(async (_previous: unknown, formData: FormData) => {
        const response = await changePin(Object.fromEntries(formData) as EncryptedValues)
        onAnswer(response.status)
        return response.status === 409 ? response.json() : { status: response.status }
      }),
      null,
    )
    seen.current.form = form
    if (seen.current.statuses.at(-1) !== form.status) seen.current.statuses.push(form.status)
    const send = async (values: EncryptedValues) => {
      const response = await changePin(values)
      onAnswer(response.status)
      return response // a 409 KEY_ROTATED Response starts the retry
    }
    return (
      <form {...(mode === 'handler' ? { onSubmit: form.handleSubmit(send) } : { action: dispatch })}>
        <input {...current.inputProps} aria-label="Current PIN" />
        <input {...next.inputProps} aria-label="New PIN" />
        <input {...confirm.inputProps} aria-label="Confirm the new PIN" />
        <button type="submit">Change PIN</button>
        <output>{JSON.stringify(state)}</output>
      </form>
    )
  }

  function renderChangePin(mode: 'handler' | 'actionState') {
    const seen = { current: { form: null, statuses: [] } as Seen }
    const retries: KeyRetry[] = []
    const answers: number[] = []
    const view = render(
      <FincodeKeyProvider url={keyUrl()}>
        <ChangePinForm seen={seen} mode={mode} onKeyRetry={(retry) => retries.push(retry)} onAnswer={(status) => answers.push(status)} />
      </FincodeKeyProvider>,
    )
    const input = (label: string) => view.getByLabelText(label) as HTMLInputElement
    return { view, seen, retries, answers, inputs: [input('Current PIN'), input('New PIN'), input('Confirm the new PIN')] }
  }

  /** One PIN field under the provider, submitted with handleSubmit(verify). */
  function VerifyForm({ seen, onResult }: { seen: RefObject<Seen>; onResult: (result: unknown) => void }) {
    const pin = useEncryptedField({ name: 'transactionPin', required: true })
    const form = useEncryptedFields([pin])
    seen.current.form = form
    if (seen.current.statuses.at(-1) !== pin.status) seen.current.statuses.push(pin.status)
    return (
      <form
        onSubmit={pin.handleSubmit(async (values) => {
          const response = await verify(values)
          onResult({ status: response.status, body: await response.clone().json() })
          return response // a 409 KEY_ROTATED Response starts the retry
        })}
      >
        <input {...pin.inputProps} aria-label="PIN" />
        <button type="submit">Verify</button>
        <p role="alert">{pin.error ? `${pin.error.code}: ${pin.error.message}` : ''}</p>
        <span data-testid="fingerprint">{pin.fingerprint}</span>
      </form>
    )
  }

  function renderVerify() {
    const seen = { current: { form: null, statuses: [] } as Seen }
    const results: unknown[] = []
    const view = render(
      <FincodeKeyProvider url={keyUrl()}>
        <VerifyForm seen={seen} onResult={(result) => results.push(result)} />
      </FincodeKeyProvider>,
    )
    return { view, seen, results, input: view.getByLabelText('PIN') as HTMLInputElement, fingerprint: () => view.getByTestId('fingerprint').textContent }
  }

  test("a hook under <FincodeKeyProvider> with no publicKey encrypts with the provider's key", async () => {
    const fingerprint = await rig.fingerprint()
    const { view, results, input } = renderVerify()
    await waitFor(() => expect(view.getByTestId('fingerprint').textContent).toBe(fingerprint), SLOW)
    typeInto(input, NEW_PIN)
    const before = (await rig.forwards()).length
    await act(async () => view.getByText('Verify').click())
    await waitFor(() => expect(results).toHaveLength(1), SLOW)
    expect(results[0]).toMatchObject({ status: 200, body: { fields: [{ field: 'transactionPin', decrypted: true, keyFingerprint: fingerprint }] } })
    expect(await forwardsSince(before)).toEqual([[fingerprint, 200]])
    expect(input.value).toBe('')
  })

  test("the provider's error is the field's error while there is no key; nothing is sent", async () => {
    await rig.keyMode('down')
    const before = (await rig.forwards()).length
    const { view, results, input, seen } = renderVerify()
    await view.findByText(/ERR_KEY_MISSING: The public key could not be loaded from .*: it answered HTTP 503/, {}, SLOW)
    typeInto(input, NEW_PIN) // the keystroke clears the error; the submit shows it again
    await act(async () => view.getByText('Verify').click())
    await view.findByText(/ERR_KEY_MISSING: The public key could not be loaded/)
    expect(seen.current.form?.error?.code).toBe('ERR_KEY_MISSING')
    expect(results).toEqual([])
    expect(await rig.forwards()).toHaveLength(before)
    expect(input.value, 'the PIN stays typed').toBe(NEW_PIN)
  })

  for (const mode of ['handler', 'actionState'] as const) {
    const how = mode === 'handler' ? 'handleSubmit(fn)' : 'actionState(save)'
    test(`key rotated out of band, then ${how}: the sandbox's PIN changes with no new input, in exactly two sends`, async () => {
      const { view, seen, retries, answers, inputs } = renderChangePin(mode)
      const old = await rig.fingerprint()
      await waitFor(() => expect(seen.current.form?.status).not.toBe('error'))
      typeInto(inputs[0]!, PIN)
      typeInto(inputs[1]!, NEW_PIN)
      typeInto(inputs[2]!, NEW_PIN)
      const rotated = await rig.rotate()
      const before = (await rig.forwards()).length

      await act(async () => view.getByText('Change PIN').click())
      await waitFor(() => expect(answers).toEqual([409, 200]), SLOW)
      expect(await forwardsSince(before), 'refused with the old key, accepted with the new one').toEqual([
        [old, 409],
        [rotated, 200],
      ])
      expect(retries).toEqual([{ previousFingerprint: old, fingerprint: rotated }])
      await waitFor(() => expect(inputs.map((input) => input.value), 'emptied after the final success').toEqual(['', '', '']), SLOW)
      expect(seen.current.statuses).toContain('retrying')
      expect(seen.current.form?.error).toBeNull()
      for (const body of await rig.bodies()) for (const pin of [NEW_PIN]) expect(holdsSecret(body, pin)).toBe(false)
      expect(findInFiberTree(view.container, NEW_PIN), 'no PIN in React state, props, refs or context after the recovered submission').toEqual([])

      await changeBack(NEW_PIN, PIN) // the sandbox's PIN really is the new one
    })
  }

  test('two rotations in a row before the submit, then one more before the next: each submission lands on its retry', async () => {
    const { view, results, input } = renderVerify()
    const first = await rig.fingerprint()
    await waitFor(() => expect(view.getByTestId('fingerprint').textContent).toBe(first))
    typeInto(input, NEW_PIN)
    await rig.rotate()
    const newest = await rig.rotate()
    let before = (await rig.forwards()).length
    await act(async () => view.getByText('Verify').click())
    await waitFor(() => expect(results).toHaveLength(2), SLOW)
    expect(results.map((result) => (result as { status: number }).status)).toEqual([409, 200])
    expect(results[1]).toMatchObject({ status: 200, body: { fields: [{ decrypted: true, keyFingerprint: newest }] } })
    expect(await forwardsSince(before)).toEqual([
      [first, 409],
      [newest, 200],
    ])

    typeInto(input, NEW_PIN)
    const third = await rig.rotate()
    before = (await rig.forwards()).length
    await act(async () => view.getByText('Verify').click())
    await waitFor(() => expect(results).toHaveLength(4), SLOW)
    expect(results[3]).toMatchObject({ status: 200, body: { fields: [{ decrypted: true, keyFingerprint: third }] } })
    expect(await forwardsSince(before)).toEqual([
      [newest, 409],
      [third, 200],
    ])
  })

  test("a stale server key (its endpoint still serves the rotated key) → ERR_KEY_STALE at the field after one send; the PIN stays typed", async () => {
    const { view, results, input, seen } = renderVerify()
    const old = await rig.fingerprint()
    await waitFor(() => expect(view.getByTestId('fingerprint').textContent).toBe(old))
    await rig.keyMode('stale') // FINCODE_PUBLIC_KEY is not updated after the rotation below
    await rig.rotate()
    typeInto(input, NEW_PIN)
    const before = (await rig.forwards()).length
    await act(async () => view.getByText('Verify').click())
    await view.findByText(/ERR_KEY_STALE: The server refused key [0-9a-f]{12}… as rotated, but the key source still serves that same key/, {}, SLOW)
    expect(seen.current.form?.error?.code).toBe('ERR_KEY_STALE')
    expect(await forwardsSince(before), 'no second send with the same key').toEqual([[old, 409]])
    expect(results).toMatchObject([{ status: 409 }])
    expect(input.value).toBe(NEW_PIN)
  })

  test("fincode-secure/dom: submit(fn) with a key source recovers the same way; the inputs are emptied only after the final success", async () => {
    document.body.innerHTML = `
      <form>
        <input type="password" data-fincode-field="userPin" aria-label="Current PIN">
        <input type="password" data-fincode-field="transactionPin" aria-label="New PIN">
        <input type="password" data-fincode-field="confirmationPin" aria-label="Confirm">
        <button>Change PIN</button>
      </form>`
    const form = document.querySelector('form')!
    const inputs = [...form.querySelectorAll('input')]
    const retries: KeyRetry[] = []
    const keySource = createFincodeKeySource(keyUrl())
    const handle = encryptForm(form, { keySource, onKeyRetry: (retry) => retries.push(retry) })
    try {
      const old = await rig.fingerprint()
      await waitFor(() => expect(handle.fingerprint).toBe(old))
      typeInto(inputs[0]!, PIN)
      typeInto(inputs[1]!, NEW_PIN)
      typeInto(inputs[2]!, NEW_PIN)
      const rotated = await rig.rotate()
      const before = (await rig.forwards()).length
      const valuesAtSend: string[][] = []
      const outcome = await handle.submit(async (values) => {
        valuesAtSend.push(inputs.map((input) => input.value))
        return changePin(values)
      })
      expect(outcome).toMatchObject({ ok: true, result: { status: 200 } })
      expect(valuesAtSend, 'the inputs still held the PINs for the retry').toEqual([
        [PIN, NEW_PIN, NEW_PIN],
        [PIN, NEW_PIN, NEW_PIN],
      ])
      expect(await forwardsSince(before)).toEqual([
        [old, 409],
        [rotated, 200],
      ])
      expect(retries).toEqual([{ previousFingerprint: old, fingerprint: rotated }])
      expect(inputs.map((input) => input.value)).toEqual(['', '', ''])
      expect(handle.fingerprint).toBe(rotated)
      await changeBack(NEW_PIN, PIN)
    } finally {
      handle.destroy()
    }
  })

  test('fincode-secure/dom: a key source whose endpoint is down puts its error on the fields; submit(fn) sends nothing', async () => {
    await rig.keyMode('down')
    document.body.innerHTML = '<form><input type="password" data-fincode-field="transactionPin"><button>Verify</button></form>'
    const form = document.querySelector('form')!
    const errors: string[] = []
    form.addEventListener('fincodeerror', (event) => errors.push((event as CustomEvent<{ error: { code: string } }>).detail.error.code))
    const handle = encryptForm(form, { keySource: createFincodeKeySource(keyUrl()) })
    try {
      await waitFor(() => expect(errors).toEqual(['ERR_KEY_MISSING']))
      typeInto(form.querySelector('input')!, NEW_PIN)
      let calls = 0
      const outcome = await handle.submit(() => calls++)
      expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_KEY_MISSING', message: expect.stringContaining('it answered HTTP 503') } })
      expect(calls).toBe(0)
    } finally {
      handle.destroy()
    }
  })
}
