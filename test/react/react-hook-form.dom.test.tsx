// react-hook-form keeps registered values in plain objects: it must be given
// the ciphertext and never see the PIN.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { HookFormTransfer, type TransferForm } from './examples/hook-form.js'
import { findInFiberTree } from './fiber-walk.js'
import { leaks, typeInto } from './harness.js'

afterEach(cleanup)

const { publicKey, privateKey } = testKeyPair(2048)
const PIN = '482913'

function setup() {
  const valid: TransferForm[] = []
  const view = render(<HookFormTransfer publicKey={publicKey} onValid={(data) => valid.push(structuredClone(data))} />)
  const [amount, pin] = view.container.querySelectorAll<HTMLInputElement>('input:not([type=hidden])')
  const submit = () => act(async () => (view.getByRole('button') as HTMLButtonElement).click())
  return { view, valid, amount: amount!, pin: pin!, submit }
}

test('onValid gets the ciphertext under transactionPin; react-hook-form never holds the PIN', async () => {
  const t = setup()
  typeInto(t.amount, '1200')
  typeInto(t.pin, PIN)
  expect(findInFiberTree(t.view.container, PIN), 'typed').toEqual([])
  await t.submit()
  await waitFor(() => expect(t.valid).toHaveLength(1))
  expect(t.valid[0]!.amount).toBe('1200')
  expect(nodeDecrypt(t.valid[0]!.transactionPin, privateKey)).toBe(PIN)
  expect(leaks(JSON.stringify(t.valid[0]), PIN)).toBe(false)
  // react-hook-form's control lives in a ref and exposes _formValues through a getter: the walk reads it there.
  expect(findInFiberTree(t.view.container, t.valid[0]!.transactionPin).length, 'the walk sees react-hook-form state').toBeGreaterThan(0)
  expect(findInFiberTree(t.view.container, PIN), 'submitted').toEqual([])
  expect(t.pin.value).toBe('')
})

test("react-hook-form's own errors come first: the PIN is neither encrypted nor cleared", async () => {
  const t = setup()
  typeInto(t.pin, PIN)
  await t.submit()
  expect((await t.view.findByRole('alert')).textContent).toBe('Enter an amount.')
  expect(t.valid).toEqual([])
  expect(t.pin.value).toBe(PIN)
})

test("a missing PIN: the field's message, onValid not called", async () => {
  const t = setup()
  typeInto(t.amount, '1200')
  await t.submit()
  expect((await t.view.findByRole('alert')).textContent).toBe('Enter your PIN.')
  expect(t.valid).toEqual([])
})
