// A mistake in what an app passes to the hooks is refused at render with a
// FincodeSecureError that names the option, not found later as a TypeError, a
// ciphertext posted under no name, or two fields overwriting each other.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { Component, type ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { isFincodeSecureError } from '../../src/index.js'
import { useEncryptedField, useEncryptedFields, type EncryptedField, type UseEncryptedFieldOptions } from '../../src/react/index.js'
import { testKeyPair } from '../helpers/keys.js'
import { captureNativePosts, typeInto } from './harness.js'

const { publicKey } = testKeyPair(2048)

afterEach(cleanup)
// React reports an error caught by a boundary on console.error; the test reads the error itself.
beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))
afterEach(() => vi.restoreAllMocks())

class Catch extends Component<{ children: ReactNode; caught: unknown[] }, { failed: boolean }> {
  override state = { failed: false }
  static getDerivedStateFromError = () => ({ failed: true })
  override componentDidCatch(error: unknown) {
    this.props.caught.push(error)
  }
  override render() {
    return this.state.failed ? null : this.props.children
  }
}

/** What rendering `children` throws, or undefined. */
function renderError(children: ReactNode): unknown {
  const caught: unknown[] = []
  render(<Catch caught={caught}>{children}</Catch>)
  cleanup()
  return caught[0]
}

function expectRefusal(error: unknown, message: RegExp) {
  expect(isFincodeSecureError(error), String(error)).toBe(true)
  expect((error as { code: string }).code).toBe('ERR_PAYLOAD_INVALID')
  expect((error as Error).message).toMatch(message)
}

function Field(options: Partial<UseEncryptedFieldOptions> | Record<string, unknown>) {
  const pin = useEncryptedField(options as UseEncryptedFieldOptions)
  return <input {...pin.inputProps} />
}

describe('useEncryptedField refuses at render', () => {
  test.each<[string, unknown, RegExp]>([
    ['an empty name', '', /^useEncryptedField: options\.name must be a non-empty string, got ""$/],
    ['no name', undefined, /^useEncryptedField: options\.name must be a non-empty string, got undefined$/],
    ['a number as name', 7, /^useEncryptedField: options\.name must be a non-empty string, got number$/],
    ['null as name', null, /^useEncryptedField: options\.name must be a non-empty string, got null$/],
  ])('%s', (_, name, message) => {
    expectRefusal(renderError(<Field publicKey={publicKey} name={name} />), message)
  })

  test.each<[string, unknown, RegExp]>([
    ['a string as validate', 'digits', /^useEncryptedField: options\.validate must be a function, got "digits"$/],
    ['a regular expression as validate', /^\d{4,6}$/, /^useEncryptedField: options\.validate must be a function, got object$/],
  ])('%s', (_, validate, message) => {
    expectRefusal(renderError(<Field publicKey={publicKey} name="transactionPin" validate={validate} />), message)
  })

  test.each<[string, unknown, RegExp]>([
    ['a number as required', 1, /^useEncryptedField: options\.required must be true, false or the message to show, got number$/],
    ['a function as required', () => 'Enter your PIN.', /^useEncryptedField: options\.required must be true, false or the message to show, got function$/],
  ])('%s', (_, required, message) => {
    expectRefusal(renderError(<Field publicKey={publicKey} name="transactionPin" required={required} />), message)
  })

  test('and accepts required as true, false or a message', () => {
    for (const required of [true, false, 'Enter your PIN.', undefined]) {
      expect(renderError(<Field publicKey={publicKey} name="transactionPin" required={required} />)).toBeUndefined()
    }
  })

  test('and accepts a name with a validate function, or none', () => {
    expect(renderError(<Field publicKey={publicKey} name="transactionPin" validate={() => null} required />)).toBeUndefined()
    expect(renderError(<Field publicKey={null} name="transactionPin" />)).toBeUndefined()
  })
})

function Group({ make }: { make: (fields: EncryptedField[]) => unknown[] }) {
  const current = useEncryptedField({ publicKey, name: 'currentPin' })
  const next = useEncryptedField({ publicKey, name: 'newPin' })
  useEncryptedFields(make([current, next]) as EncryptedField[])
  return null
}

describe('useEncryptedFields refuses at render', () => {
  const message = (got: string) => new RegExp(`^useEncryptedFields: fields must be useEncryptedField\\(\\) results with unique names, got ${got}$`)

  test('an object that is not a useEncryptedField() result, even one that looks like it', () => {
    expectRefusal(renderError(<Group make={([a]) => [a, { name: 'newPin', encrypt: async () => '' }]} />), message('object'))
  })

  test('a copy of a field: its encrypt is the field’s own, so it is the same field twice', () => {
    expectRefusal(renderError(<Group make={([a]) => [a, { ...a! }]} />), message('"currentPin"'))
  })

  test('a missing field', () => {
    expectRefusal(renderError(<Group make={([a]) => [a, undefined]} />), message('undefined'))
    expectRefusal(renderError(<Group make={([a]) => [null, a]} />), message('null'))
  })

  test('the same field twice (both ciphertexts would be posted under one name)', () => {
    expectRefusal(renderError(<Group make={([a, b]) => [a, b, a]} />), message('"currentPin"'))
  })

  test('two fields with the same name', () => {
    function SameName() {
      const a = useEncryptedField({ publicKey, name: 'pin' })
      const b = useEncryptedField({ publicKey, name: 'pin' })
      useEncryptedFields([a, b])
      return null
    }
    expectRefusal(renderError(<SameName />), message('"pin"'))
  })

  test('and accepts distinct fields', () => {
    expect(renderError(<Group make={(fields) => fields} />)).toBeUndefined()
  })
})

describe('onSubmit: a requestSubmit() that throws', () => {
  test('is the field’s error (ERR_ENCRYPTION_FAILED, the exception as cause), not an unhandled rejection; nothing is posted', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const posts = captureNativePosts()
    const field = { current: null as EncryptedField | null }
    function NativeForm() {
      const pin = useEncryptedField({ publicKey, name: 'transactionPin' })
      field.current = pin
      return (
        <form onSubmit={pin.onSubmit} method="post" action="/pay">
          <input {...pin.inputProps} data-testid="pin" />
          <input {...pin.hiddenInputProps} />
          <button type="submit">Pay</button>
        </form>
      )
    }
    try {
      const view = render(<NativeForm />)
      const input = view.getByTestId('pin') as HTMLInputElement
      const failure = new TypeError('requestSubmit is not supported here')
      const form = input.form!
      // happy-dom's button click goes through form.requestSubmit() too: the user's submit uses the real one.
      const submit = form.requestSubmit.bind(form)
      form.requestSubmit = () => {
        throw failure
      }
      typeInto(input, '482913')
      await act(async () => submit(view.getByRole('button') as HTMLButtonElement))
      await waitFor(() => expect(field.current!.status).toBe('error'))
      const error = field.current!.error!
      expect(error.code).toBe('ERR_ENCRYPTION_FAILED')
      expect(error.message).toMatch(/requestSubmit\(\) failed/)
      expect(error.message).not.toContain('482913')
      expect(error.cause).toBe(failure)
      expect(field.current!.hiddenInputProps.value).toBe('') // no ciphertext left behind for a later post
      expect(input.value).toBe('482913') // still typed, for the next try
      await new Promise((resolve) => setTimeout(resolve, 50)) // Node reports unhandled rejections after a turn
      expect(unhandled).toEqual([])
      expect(posts.posts).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
      posts.stop()
    }
  })
})
