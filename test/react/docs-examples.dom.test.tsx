// The examples of docs/react.md's later sections (not the four ways to submit), run as they are shown.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { ActionStateForm } from './examples/action-state-form.js'
import { errorText } from './examples/error-text.js'
import { japaneseMessages, PasswordForm } from './examples/japanese-password.js'
import { typeInto } from './harness.js'
import { FincodeSecureError } from '../../src/index.js'

afterEach(cleanup)
const { publicKey, privateKey } = testKeyPair(2048)

test('ActionStateForm: save gets the ciphertext, its result is shown, the input is emptied after it', async () => {
  const view = render(<ActionStateForm publicKey={publicKey} save={async (data) => ({ saved: true, message: `Saved (${nodeDecrypt(String(data.get('userPin')), privateKey).length} digits).` })} />)
  const input = view.getByLabelText('PIN') as HTMLInputElement
  typeInto(input, '482913')
  await act(async () => view.getByRole('button').click())
  expect((await view.findByRole('status')).textContent).toBe('Saved (6 digits).')
  expect(input.value).toBe('')
})

test('ActionStateForm: an empty PIN is refused before React runs the action', async () => {
  let calls = 0
  const view = render(<ActionStateForm publicKey={publicKey} save={async () => (calls++, { saved: true, message: 'Saved.' })} />)
  await act(async () => view.getByRole('button').click())
  expect((await view.findByRole('alert')).textContent).toBe('Enter your PIN.')
  expect(calls).toBe(0)
})

test('PasswordForm: text input mode, current-password, Japanese messages; the password reaches onSave encrypted', async () => {
  const saved: Record<string, string>[] = []
  const view = render(<PasswordForm publicKey={publicKey} onSave={(values) => saved.push(values)} />)
  const input = view.getByLabelText('パスワード') as HTMLInputElement
  expect([input.inputMode, input.autocomplete]).toEqual(['text', 'current-password'])
  await act(async () => view.getByRole('button').click())
  expect((await view.findByRole('alert')).textContent).toBe(japaneseMessages.required)
  typeInto(input, 'short')
  await act(async () => view.getByRole('button').click())
  await waitFor(() => expect(view.getByRole('alert').textContent).toBe('8文字以上で入力してください。'))
  typeInto(input, '-enough')
  await act(async () => view.getByRole('button').click())
  await waitFor(() => expect(saved).toHaveLength(1))
  expect(nodeDecrypt(saved[0]!.password!, privateKey)).toBe('short-enough')
})

test('errorText covers every code a field reports', () => {
  expect(errorText(new FincodeSecureError('ERR_KEY_PRIVATE', 'x'))).toBe('Payments are unavailable right now (encryption key).')
  expect(errorText(new FincodeSecureError('ERR_ENCRYPTION_FAILED', 'x'))).toBe('Something went wrong, please try again.')
})
