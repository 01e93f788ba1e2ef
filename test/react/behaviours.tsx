// Issue 11's behaviours, written once and run twice: in happy-dom
// (behaviours.dom.test.tsx) and in real Chromium (behaviours.browser.test.tsx),
// each handing in how to get a key pair and decrypt. DOM-only: no node: imports.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { useActionState, useState } from 'react'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { useEncryptedField, useEncryptedFields, type EncryptedValues, type UseEncryptedFieldOptions } from '../../src/react/index.js'
import { findInFiberTree } from './fiber-walk.js'
import { captureNativePosts, typeInto } from './harness.js'

export interface KeyEnvironment {
  /** A 2048-bit key pair: the public key as Base64 SPKI, and a decrypt() with its private key. */
  keyPair(): Promise<{ publicKey: string; decrypt(ciphertext: string): Promise<string> }>
}

const pause = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

/** A promise the test settles by hand, to act while the app's function runs. */
function gate<T = void>() {
  let open!: (value: T) => void
  let fail!: (error: unknown) => void
  const promise = new Promise<T>((resolve, reject) => ((open = resolve), (fail = reject)))
  return { promise, open, fail }
}

type Mode = 'native' | 'handler' | 'action'

/** Two encrypted fields in one form, submitted one of three ways. */
function TwoPins(props: {
  publicKey: string | null
  mode: Mode
  current?: Partial<UseEncryptedFieldOptions>
  next?: Partial<UseEncryptedFieldOptions>
  onValues?: (values: EncryptedValues) => unknown
  onAction?: (formData: FormData) => unknown
}) {
  const current = useEncryptedField({ publicKey: props.publicKey, name: 'currentPin', ...props.current })
  const next = useEncryptedField({ publicKey: props.publicKey, name: 'newPin', ...props.next })
  const form = useEncryptedFields([current, next])
  const inputs = (
    <>
      <input {...current.inputProps} aria-label="current" />
      <input {...current.hiddenInputProps} />
      <input {...next.inputProps} aria-label="new" />
      <input {...next.hiddenInputProps} />
      {current.error && <p data-testid="current-error">{current.error.message}</p>}
      {next.error && <p data-testid="new-error">{next.error.message}</p>}
      <button type="submit">Save</button>
    </>
  )
  if (props.mode === 'native') return <form onSubmit={form.onSubmit} method="post" action="/pins">{inputs}</form>
  if (props.mode === 'handler') return <form onSubmit={form.handleSubmit(async (values) => props.onValues?.(values))}>{inputs}</form>
  return <form action={form.action(async (formData) => props.onAction?.(formData))}>{inputs}</form>
}

export function defineBehaviourTests(environment: KeyEnvironment): void {
  let keys: Awaited<ReturnType<KeyEnvironment['keyPair']>>
  beforeAll(async () => {
    keys = await environment.keyPair()
  })
  afterEach(() => {
    cleanup()
    vi.restoreAllMocks()
  })

  describe('1. actions: action(dispatch) runs in a transition; actionState(save) sees the whole round trip', () => {
    test("action(dispatch) with useActionState: isPending is true while the app's action runs, and React logs nothing", async () => {
      const errors = vi.spyOn(console, 'error')
      const saving = gate()
      const saved: FormData[] = []
      function DispatchForm() {
        const pin = useEncryptedField({ publicKey: keys.publicKey, name: 'userPin', required: true })
        const [state, dispatch, isPending] = useActionState(async (_previous: string, formData: FormData) => {
          saved.push(formData)
          await saving.promise
          return 'saved'
        }, 'idle')
        return (
          <form action={pin.action(dispatch)}>
            <input {...pin.inputProps} aria-label="pin" />
            <span data-testid="pending">{String(isPending)}</span>
            <span data-testid="state">{state}</span>
            <button type="submit">Save</button>
          </form>
        )
      }
      const view = render(<DispatchForm />)
      typeInto(view.getByLabelText('pin') as HTMLInputElement, '482913')
      await act(async () => view.getByRole('button').click())
      await waitFor(() => expect(saved).toHaveLength(1))
      await waitFor(() => expect(view.getByTestId('pending').textContent).toBe('true'))
      await pause()
      expect(view.getByTestId('pending').textContent, 'still pending while the action runs').toBe('true')
      saving.open()
      await waitFor(() => expect(view.getByTestId('state').textContent).toBe('saved'))
      expect(view.getByTestId('pending').textContent).toBe('false')
      expect(await keys.decrypt(String(saved[0]!.get('userPin')))).toBe('482913')
      expect(errors).not.toHaveBeenCalled()
    })

    test('useActionState(pin.actionState(save)): pending from the click to the end of save, the input emptied only once save resolved, its state returned', async () => {
      const errors = vi.spyOn(console, 'error')
      const saving = gate()
      const received: FormData[] = []
      function StateForm() {
        const pin = useEncryptedField({ publicKey: keys.publicKey, name: 'userPin', required: true })
        const [state, dispatch, isPending] = useActionState(
          pin.actionState(async (previous: { saves: number }, formData: FormData) => {
            received.push(formData)
            await saving.promise
            return { saves: previous.saves + 1 }
          }),
          { saves: 0 },
        )
        return (
          <form action={dispatch}>
            <input {...pin.inputProps} aria-label="pin" />
            <span data-testid="pending">{String(isPending)}</span>
            <span data-testid="saves">{state.saves}</span>
            <button type="submit">Save</button>
          </form>
        )
      }
      const view = render(<StateForm />)
      const input = view.getByLabelText('pin') as HTMLInputElement
      typeInto(input, '482913')
      await act(async () => view.getByRole('button').click())
      expect(view.getByTestId('pending').textContent).toBe('true')
      await waitFor(() => expect(received).toHaveLength(1))
      expect(input.value, 'kept while save runs: a failing save costs no retype').toBe('482913')
      expect(received[0]!.get('fincodeKeyFingerprint')).toMatch(/^[0-9a-f]{64}$/)
      saving.open()
      await waitFor(() => expect(view.getByTestId('saves').textContent).toBe('1'))
      expect(view.getByTestId('pending').textContent).toBe('false')
      expect(input.value).toBe('')
      expect(await keys.decrypt(String(received[0]!.get('userPin')))).toBe('482913')
      expect(errors).not.toHaveBeenCalled()
    })

    test('action(fn) with an async function of the app: the input keeps the PIN while fn runs and is emptied once it resolved', async () => {
      const saving = gate()
      const during: string[] = []
      const view = render(
        <TwoPins
          mode="action"
          publicKey={keys.publicKey}
          onAction={async () => {
            during.push((view.getByLabelText('new') as HTMLInputElement).value)
            await saving.promise
          }}
        />,
      )
      const next = view.getByLabelText('new') as HTMLInputElement
      typeInto(next, '482913')
      await act(async () => view.getByRole('button').click())
      await waitFor(() => expect(during).toEqual(['482913']))
      await pause(100)
      expect(next.value).toBe('482913')
      saving.open()
      await waitFor(() => expect(next.value).toBe(''))
    })

    test('handleSubmit(fn): when fn throws, nothing is emptied and the exception reaches the caller', async () => {
      let submit: (() => Promise<void>) | undefined
      function Failing() {
        const pin = useEncryptedField({ publicKey: keys.publicKey, name: 'pin' })
        submit = pin.handleSubmit(async () => {
          throw new Error('the server is down')
        })
        return <input {...pin.inputProps} aria-label="pin" />
      }
      const view = render(<Failing />)
      const input = view.getByLabelText('pin') as HTMLInputElement
      typeInto(input, '482913')
      await act(() => expect(submit!()).rejects.toThrow('the server is down'))
      expect(input.value).toBe('482913')
    })

    test('handleSubmit(fn): the inputs keep the PINs while fn runs and are emptied once it resolved', async () => {
      const saving = gate()
      const view = render(<TwoPins mode="handler" publicKey={keys.publicKey} onValues={() => saving.promise} />)
      const current = view.getByLabelText('current') as HTMLInputElement
      const next = view.getByLabelText('new') as HTMLInputElement
      typeInto(current, '1111')
      typeInto(next, '482913')
      const submitted = act(async () => current.form!.requestSubmit())
      await pause(200)
      expect([current.value, next.value]).toEqual(['1111', '482913'])
      saving.open()
      await submitted
      await waitFor(() => expect([current.value, next.value]).toEqual(['', '']))
    })
  })

  describe.each<Mode>(['native', 'handler', 'action'])('2–3. a refused submission (%s)', (mode) => {
    test('keeps what was typed in every field; every failing field gets aria-invalid; the first failing field gets the focus; nothing is submitted', async () => {
      const submitted: unknown[] = []
      const posts = captureNativePosts()
      try {
        const fourToSix = (value: string) => (/^\d{4,6}$/.test(value) ? null : 'Use 4 to 6 digits.')
        const view = render(
          <TwoPins
            mode={mode}
            publicKey={keys.publicKey}
            current={{ validate: fourToSix }}
            next={{ validate: fourToSix, required: true }}
            onValues={(values) => submitted.push(values)}
            onAction={(data) => submitted.push(data)}
          />,
        )
        const current = view.getByLabelText('current') as HTMLInputElement
        const next = view.getByLabelText('new') as HTMLInputElement
        const resets: Event[] = []
        current.form!.addEventListener('reset', (event) => resets.push(event))

        // Only the second field fails: the first keeps its valid value too.
        typeInto(current, '1111')
        typeInto(next, '12')
        await act(async () => view.getByRole('button').click())
        await waitFor(() => expect(next.getAttribute('aria-invalid')).toBe('true'))
        await pause(100)
        expect([current.value, next.value]).toEqual(['1111', '12'])
        expect(current.getAttribute('aria-invalid')).toBe('false')
        expect(document.activeElement).toBe(next)
        expect(view.getByTestId('new-error').textContent).toBe('Use 4 to 6 digits.')

        // Both fail: both marked, the first focused.
        typeInto(current, 'x')
        await act(async () => view.getByRole('button').click())
        await waitFor(() => expect(current.getAttribute('aria-invalid')).toBe('true'))
        expect(next.getAttribute('aria-invalid')).toBe('true')
        expect(document.activeElement).toBe(current)
        await pause(100)
        expect([current.value, next.value]).toEqual(['1111x', '12'])

        expect(submitted, 'no handler or action ran').toEqual([])
        expect(posts.posts, 'nothing was posted').toEqual([])
        expect(resets, 'React reset nothing: it ran no action').toEqual([])
      } finally {
        posts.stop()
      }
    })
  })

  describe('4. validate() messages: withheld only when they repeat 4 or more consecutive characters of the value', () => {
    function Validated({ validate }: { validate: (value: string) => string | null }) {
      const pin = useEncryptedField({ publicKey: keys.publicKey, name: 'pin', validate })
      return (
        <form onSubmit={pin.handleSubmit(() => {})}>
          <input {...pin.inputProps} aria-label="pin" />
          <p data-testid="message">{pin.validationMessage}</p>
          <button type="submit">Go</button>
        </form>
      )
    }
    test.each([
      ['12', 'Use 4 to 12 digits.', 'Use 4 to 12 digits.'],
      ['482913', 'Digits 4 8 2 9 1 3', 'This value is not accepted.'],
      ['482913', 'PIN starting 4829', 'This value is not accepted.'],
      ['482913', 'Use at most 4 digits.', 'Use at most 4 digits.'],
      ['abc', 'abc is too short.', 'abc is too short.'],
    ])('value %j, message %j → shows %j', async (value, message, shown) => {
      const view = render(<Validated validate={() => message} />)
      typeInto(view.getByLabelText('pin') as HTMLInputElement, value)
      await act(async () => view.getByRole('button').click())
      await waitFor(() => expect(view.getByTestId('message').textContent).toBe(shown))
    })
  })

  test('5. a name spread after inputProps never reaches a FormData, while typing and after re-renders', async () => {
    function Careless() {
      const [renders, setRenders] = useState(0)
      const pin = useEncryptedField({ publicKey: keys.publicKey, name: 'transactionPin' })
      return (
        <form onSubmit={pin.onSubmit} method="post" action="/pay">
          <input {...pin.inputProps} name={`pin${renders}`} aria-label="pin" onInput={() => setRenders((n) => n + 1)} />
          <input {...pin.hiddenInputProps} />
          <button type="button" onClick={() => setRenders((n) => n + 1)}>
            Render
          </button>
        </form>
      )
    }
    const view = render(<Careless />)
    const input = view.getByLabelText('pin') as HTMLInputElement
    const holds = () => [...new FormData(input.form!).values()].some((value) => String(value).includes('4829'))
    for (const digit of '482913') {
      await act(async () => typeInto(input, digit)) // each keystroke re-renders the form with a new name
      expect(holds(), `after typing ${input.value.length} digits`).toBe(false)
      expect(input.hasAttribute('name')).toBe(false)
    }
    await act(async () => view.getByRole('button').click())
    expect(holds()).toBe(false)
    expect(input.value).toBe('482913')
  })

  describe('6. inputMode, autoComplete and messages per field', () => {
    test('numeric for a PIN by default; text and a password autoComplete for a password', () => {
      function Fields() {
        const pin = useEncryptedField({ publicKey: keys.publicKey, name: 'pin' })
        const password = useEncryptedField({ publicKey: keys.publicKey, name: 'password', inputMode: 'text', autoComplete: 'current-password' })
        return (
          <form>
            <input {...pin.inputProps} aria-label="pin" />
            <input {...password.inputProps} aria-label="password" />
          </form>
        )
      }
      const view = render(<Fields />)
      const pin = view.getByLabelText('pin')
      const password = view.getByLabelText('password')
      expect([pin.getAttribute('inputmode'), pin.getAttribute('autocomplete')]).toEqual(['numeric', 'off'])
      expect([password.getAttribute('inputmode'), password.getAttribute('autocomplete')]).toEqual(['text', 'current-password'])
    })

    test('the default messages are replaced by `messages` (a Japanese set)', async () => {
      const japanese = {
        required: '暗証番号を入力してください。',
        notAccepted: 'この値は使用できません。',
        keyMissing: '暗号化キーを読み込み中です。しばらくしてから再度お試しください。',
      }
      function Japanese({ publicKey }: { publicKey: string | null }) {
        const pin = useEncryptedField({ publicKey, name: 'pin', required: true, messages: japanese, validate: (v) => (v === '1234' ? `${v}は簡単すぎます` : null) })
        return (
          <form onSubmit={pin.handleSubmit(() => {})}>
            <input {...pin.inputProps} aria-label="pin" />
            <p data-testid="message">{pin.error?.message}</p>
            <button type="submit">送信</button>
          </form>
        )
      }
      const view = render(<Japanese publicKey={null} />)
      const input = view.getByLabelText('pin') as HTMLInputElement
      const submit = () => act(async () => view.getByRole('button').click())
      await submit()
      await waitFor(() => expect(view.getByTestId('message').textContent).toBe(japanese.required))
      typeInto(input, '1234')
      await submit()
      await waitFor(() => expect(view.getByTestId('message').textContent).toBe(japanese.notAccepted))
      typeInto(input, '5')
      await submit()
      await waitFor(() => expect(view.getByTestId('message').textContent).toBe(japanese.keyMissing))
    })
  })

  test('the fiber walk finds no PIN after typing, after a refused and after a successful submission', async () => {
    const saved: EncryptedValues[] = []
    const view = render(<TwoPins mode="handler" publicKey={keys.publicKey} next={{ required: true }} onValues={(values) => saved.push(values)} />)
    const current = view.getByLabelText('current') as HTMLInputElement
    const next = view.getByLabelText('new') as HTMLInputElement
    typeInto(current, '482913')
    expect(findInFiberTree(view.container, '482913'), 'typed').toEqual([])
    await act(async () => view.getByRole('button').click())
    await waitFor(() => expect(next.getAttribute('aria-invalid')).toBe('true'))
    expect(current.value).toBe('482913')
    expect(findInFiberTree(view.container, '482913'), 'refused').toEqual([])
    typeInto(next, '739164')
    await act(async () => view.getByRole('button').click())
    await waitFor(() => expect(saved).toHaveLength(1))
    for (const pin of ['482913', '739164']) expect(findInFiberTree(view.container, pin), `submitted: ${pin}`).toEqual([])
    expect(await keys.decrypt(saved[0]!.newPin!)).toBe('739164')
  })
}
