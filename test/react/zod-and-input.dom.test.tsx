// <EncryptedInput> (label, hint and error tied by ids) and the react-hook-form + zod
// pattern of docs/react.md: every error after one submit, the PIN kept when refused.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, test } from 'vitest'
import { EncryptedInput, useEncryptedField } from '../../src/react/index.js'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { ZodTransfer, type Transfer } from './examples/zod-transfer.js'
import { findInFiberTree } from './fiber-walk.js'
import { typeInto } from './harness.js'

afterEach(cleanup)
const { publicKey, privateKey } = testKeyPair(2048)

describe('<EncryptedInput>', () => {
  function Pin({ extra }: { extra?: string }) {
    const pin = useEncryptedField({ publicKey, name: 'transactionPin', required: 'Enter your PIN.' })
    return (
      <form onSubmit={pin.onSubmit}>
        <EncryptedInput field={pin} label="PIN" hint="4 digits." error={extra} inputProps={{ maxLength: 12, 'aria-label': undefined }} />
        <button type="submit">Pay</button>
      </form>
    )
  }

  test('label, hint and error are tied to the input; aria-invalid and the error text follow the field', async () => {
    const view = render(<Pin />)
    const input = view.getByLabelText('PIN') as HTMLInputElement
    const [hintId, errorId] = input.getAttribute('aria-describedby')!.split(' ')
    expect(document.getElementById(hintId!)!.textContent).toBe('4 digits.')
    expect(document.getElementById(errorId!)!.textContent).toBe('')
    expect(input.getAttribute('aria-invalid')).toBe('false')
    expect([input.type, input.maxLength, input.hasAttribute('name')]).toEqual(['password', 12, false])
    expect(view.container.querySelector('input[type=hidden]')!.getAttribute('name')).toBe('transactionPin')
    await act(async () => view.getByRole('button').click())
    await waitFor(() => expect(document.getElementById(errorId!)!.textContent).toBe('Enter your PIN.'))
    expect(input.getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(input)
  })

  test('an error from elsewhere (a group check, the server) is shown instead and marks the input invalid', () => {
    const view = render(<Pin extra="The new PINs do not match." />)
    const input = view.getByLabelText('PIN')
    expect(document.getElementById(input.getAttribute('aria-describedby')!.split(' ')[1]!)!.textContent).toBe('The new PINs do not match.')
    expect(input.getAttribute('aria-invalid')).toBe('true')
  })
})

describe('react-hook-form + zod', () => {
  function setup() {
    const valid: Transfer[] = []
    const view = render(<ZodTransfer publicKey={publicKey} onValid={(data) => valid.push({ ...data })} />)
    const amount = view.getByLabelText('Amount') as HTMLInputElement
    const pin = view.getByLabelText('PIN') as HTMLInputElement
    const submit = () => act(async () => view.getByRole('button').click())
    const alerts = () => view.queryAllByRole('alert').map((alert) => alert.textContent)
    const pinError = () => document.getElementById(pin.getAttribute('aria-describedby')!.split(' ')[1]!)!.textContent
    return { view, valid, amount, pin, submit, alerts, pinError }
  }

  test("one submit shows every error: the amount's (react-hook-form) and the PIN's (zod through validate); the PIN stays typed", async () => {
    const t = setup()
    typeInto(t.pin, '12')
    await t.submit()
    await waitFor(() => expect(t.alerts()).toEqual(['Enter an amount in yen.']))
    expect(t.pinError()).toBe('Use 4 to 6 digits.')
    expect(t.pin.value).toBe('12')
    expect(t.valid).toEqual([])
  })

  test('valid values: onValid gets the amount and the ciphertext; react-hook-form never held the PIN', async () => {
    const t = setup()
    typeInto(t.amount, '1200')
    typeInto(t.pin, '482913')
    await t.submit()
    await waitFor(() => expect(t.valid).toHaveLength(1))
    expect(t.valid[0]!.amount).toBe('1200')
    expect(nodeDecrypt(t.valid[0]!.transactionPin, privateKey)).toBe('482913')
    expect(findInFiberTree(t.view.container, '482913')).toEqual([])
    expect(t.pin.value).toBe('')
  })

  test('a valid PIN with an invalid amount: only the amount error; the PIN is neither encrypted nor cleared', async () => {
    const t = setup()
    typeInto(t.pin, '482913')
    await t.submit()
    await waitFor(() => expect(t.alerts()).toEqual(['Enter an amount in yen.']))
    expect(t.pinError()).toBe('')
    expect(t.pin.value).toBe('482913')
  })
})
