// The limits of the hooks' own recovery from a rotated key (issue 15.4), without a server: at most one
// retry, a key given as fixed text is not refreshed (recovery comes with a key source), and any other failure of the app's function is the
// app's. The recovery against a real sandbox is test/page/form-recovery.tsx.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { createFincodeKeySource, readKeyRotated } from '../../src/index.js'
import { FincodeKeyProvider, useEncryptedField, type EncryptedField, type EncryptedValues } from '../../src/react/index.js'
import { testKeyPair } from '../helpers/keys.js'
import { typeInto } from './harness.js'

afterEach(cleanup)

const keys = [testKeyPair(2048), testKeyPair(3072), testKeyPair(4096)]
const rotated = { error: { code: 'KEY_ROTATED', message: 'The encryption key was rotated.' } }

/** A key source whose every load brings the next key: each refresh is a rotation. */
function rotatingSource() {
  let loads = 0
  return createFincodeKeySource(() => keys[loads++ % keys.length]!.publicKey)
}

function PinForm({ fieldRef, publicKey, fn }: { fieldRef: { current: EncryptedField | null }; publicKey?: string; fn: (values: EncryptedValues) => unknown }) {
  const pin = useEncryptedField({ name: 'transactionPin', required: true, ...(publicKey === undefined ? {} : { publicKey }) })
  fieldRef.current = pin
  return (
    <form onSubmit={pin.handleSubmit(fn)}>
      <input {...pin.inputProps} data-testid="pin" />
      <button type="submit">Send</button>
    </form>
  )
}

function setUp(fn: (values: EncryptedValues) => unknown, publicKey?: string) {
  const field = { current: null as EncryptedField | null }
  const view = render(
    <FincodeKeyProvider source={rotatingSource()}>
      <PinForm fieldRef={field} publicKey={publicKey} fn={fn} />
    </FincodeKeyProvider>,
  )
  return { field, view, input: view.getByTestId('pin') as HTMLInputElement }
}

test('refused again after the retry: ERR_KEY_ROTATED at the field, two calls in all, the PIN stays typed', async () => {
  const fingerprints: string[] = []
  const { field, view, input } = setUp((values) => {
    fingerprints.push(values['fincodeKeyFingerprint']!)
    return rotated
  })
  await waitFor(() => expect(field.current?.fingerprint).toMatch(/^[0-9a-f]{64}$/))
  typeInto(input, '482913')
  await act(async () => view.getByText('Send').click())
  await waitFor(() => expect(field.current?.error?.code).toBe('ERR_KEY_ROTATED'))
  expect(field.current?.error?.message).toMatch(/rotated again while this form was sent.*Submit again\.$/)
  expect(fingerprints).toHaveLength(2)
  expect(new Set(fingerprints).size, 'the retry used the refreshed key').toBe(2)
  expect(input.value).toBe('482913')
})

test('a key given as fixed text is not refreshed: one call, the answer is the app\'s; an app that throws it keeps the PIN typed', async () => {
  let calls = 0
  const { field, input } = setUp(() => {
    calls++
    return rotated
  }, keys[0]!.publicKey)
  await waitFor(() => expect(field.current?.fingerprint).toMatch(/^[0-9a-f]{64}$/))
  typeInto(input, '482913')
  // The documented pattern for a fixed key: read the answer, and throw it to keep what was typed.
  const submit = field.current!.handleSubmit(async (values) => {
    calls++
    const refusal = await readKeyRotated(rotated)
    if (refusal) throw refusal
    return values
  })
  const thrown = await submit().catch((error: unknown) => error)
  expect(thrown).toMatchObject({ code: 'ERR_KEY_ROTATED' })
  expect(calls, 'no retry without a key source').toBe(1)
  expect(input.value).toBe('482913')
  expect(field.current?.error, "the app's own exception is not the field's error").toBeNull()
})

test("anything else the app's function throws is passed on, without a retry, and nothing is emptied", async () => {
  let calls = 0
  const failure = new Error('the server is down')
  const field = { current: null as EncryptedField | null }
  const view = render(
    <FincodeKeyProvider source={rotatingSource()}>
      <PinForm
        fieldRef={field}
        fn={() => {
          calls++
          throw failure
        }}
      />
    </FincodeKeyProvider>,
  )
  await waitFor(() => expect(field.current?.fingerprint).toMatch(/^[0-9a-f]{64}$/))
  const input = view.getByTestId('pin') as HTMLInputElement
  typeInto(input, '482913')
  await expect(field.current!.handleSubmit(() => (calls++, Promise.reject(failure)))()).rejects.toBe(failure)
  expect(calls).toBe(1)
  expect(field.current?.error).toBeNull()
  expect(input.value).toBe('482913')
})
