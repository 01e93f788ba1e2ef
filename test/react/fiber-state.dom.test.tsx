// "The plaintext lives only in the DOM input": walk everything React keeps for
// the rendered tree (hooks, update queues, props, the previous tree) and look
// for the PIN, in every state a field goes through.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { useRef, useState } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import type { EncryptedField, EncryptedValues } from '../../src/react/index.js'
import { testKeyPair } from '../helpers/keys.js'
import { ChangePinForm } from './examples/change-pin-form.js'
import { findInFiberTree } from './fiber-walk.js'
import { retype, TrialForm, typeInto, type Received } from './harness.js'

const PIN = '482913'

afterEach(cleanup)

describe('the walk itself finds a PIN wherever React could keep it', () => {
  function InState() {
    const [value] = useState(PIN)
    return <p>{value.length}</p>
  }
  function InRef() {
    const ref = useRef({ nested: { deeper: [`pin:${PIN}`] } })
    return <p>{Object.keys(ref.current).length}</p>
  }
  function Child(_: { secret: string }) {
    return null
  }
  test.each([
    ['a useState value', <InState />],
    ['a useRef value, nested', <InRef />],
    ['a prop of another component', <Child secret={PIN} />],
  ])('%s', (_, element) => {
    const { container } = render(element)
    expect(findInFiberTree(container, PIN).length).toBeGreaterThan(0)
  })
})

describe('useEncryptedField keeps no PIN in React', () => {
  test('while typed, encrypted, refused and submitted', async () => {
    const { publicKey } = testKeyPair(2048)
    const field = { current: null as EncryptedField | null }
    let received: Received | undefined
    const tooSimple = (value: string) => (value === PIN ? `${value} is too easy to guess.` : null) // echoes the value: must be withheld
    const view = render(<TrialForm publicKey={publicKey} mode="handler" fieldRef={field} validate={tooSimple} onReceived={(r) => (received = r)} />)
    await waitFor(() => expect(field.current!.fingerprint).not.toBeNull())
    const input = view.getByTestId('pin') as HTMLInputElement
    const button = view.getByRole('button')

    typeInto(input, PIN)
    expect(findInFiberTree(view.container, PIN), 'typed').toEqual([])

    await act(() => input.form!.requestSubmit(button))
    await waitFor(() => expect(field.current!.status).toBe('error'))
    expect(field.current!.validationMessage).not.toContain(PIN)
    expect(findInFiberTree(view.container, PIN), 'refused by validate()').toEqual([])

    typeInto(input, '7') // 4829137: accepted
    await act(() => field.current!.encrypt())
    expect(field.current!.status).toBe('ready')
    expect(findInFiberTree(view.container, PIN), 'encrypted').toEqual([])
    // The walk does reach the hook's state: it finds the ciphertext and the field's name there.
    expect(findInFiberTree(view.container, field.current!.ciphertext).length).toBeGreaterThan(0)
    expect(findInFiberTree(view.container, 'transactionPin').length).toBeGreaterThan(0)

    await act(async () => input.form!.requestSubmit(button))
    await waitFor(() => expect(received).toBeDefined())
    expect(findInFiberTree(view.container, PIN), 'submitted').toEqual([])
    expect(input.value).toBe('')
  })

  test('three PINs in one form, refused by the group check, then submitted', async () => {
    const { publicKey } = testKeyPair(2048)
    let saved: EncryptedValues | undefined
    const view = render(<ChangePinForm publicKey={publicKey} onSave={(values) => (saved = values)} />)
    const [current, next, confirm] = view.getAllByLabelText(/PIN/) as HTMLInputElement[]
    typeInto(current!, '1111')
    typeInto(next!, PIN)
    typeInto(confirm!, '482914')
    await act(async () => view.getByRole('button').click())
    await view.findByRole('alert')
    for (const pin of ['1111', PIN, '482914']) expect(findInFiberTree(view.container, pin), `refused: ${pin}`).toEqual([])

    retype(confirm!, PIN)
    await act(async () => view.getByRole('button').click())
    await waitFor(() => expect(saved).toBeDefined())
    for (const pin of ['1111', PIN]) expect(findInFiberTree(view.container, pin), `submitted: ${pin}`).toEqual([])
  })
})
