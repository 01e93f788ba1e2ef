// After a rotation the old key is invalid at once: a ciphertext made with it
// must never be submitted, even one that was ready or still being made.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { oaepSha256 } from '../../src/index.js'
import type { EncryptedField } from '../../src/react/index.js'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { captureNativePosts, gatedScheme, TrialForm, typeInto } from './harness.js'

afterEach(cleanup)

const oldKey = testKeyPair(2048)
const newKey = testKeyPair(3072)
const decrypts = (ciphertext: string, privateKey: typeof oldKey.privateKey) => {
  try {
    return nodeDecrypt(ciphertext, privateKey)
  } catch {
    return null
  }
}

test('a ready ciphertext is dropped from the hidden input at once and the value is encrypted again with the new key', async () => {
  const field = { current: null as EncryptedField | null }
  const posts = captureNativePosts()
  try {
    const view = render(<TrialForm mode="native" fieldRef={field} publicKey={oldKey.publicKey} />)
    const input = view.getByTestId('pin') as HTMLInputElement
    const hidden = view.container.querySelector<HTMLInputElement>('input[type=hidden]')!
    typeInto(input, '482913')
    const old = await act(() => field.current!.encrypt())
    expect(hidden.value).toBe(old)
    expect(decrypts(old, oldKey.privateKey)).toBe('482913')
    const oldFingerprint = field.current!.fingerprint

    act(() => view.rerender(<TrialForm mode="native" fieldRef={field} publicKey={newKey.publicKey} />))
    expect(hidden.value, 'dropped in the same commit as the new key').toBe('')
    await waitFor(() => expect(field.current!.status).toBe('ready'))
    expect(field.current!.fingerprint).not.toBe(oldFingerprint)
    expect(decrypts(hidden.value, newKey.privateKey)).toBe('482913')
    expect(decrypts(hidden.value, oldKey.privateKey)).toBeNull()

    typeInto(input, '0')
    await act(async () => input.form!.requestSubmit())
    await waitFor(() => expect(posts.posts).toHaveLength(1))
    const posted = String(posts.posts[0]!.get('transactionPin'))
    expect(decrypts(posted, newKey.privateKey)).toBe('4829130')
  } finally {
    posts.stop()
  }
})

test('a submission whose encryption is running when the key changes posts a ciphertext made with the new key', async () => {
  const gate = gatedScheme(oaepSha256)
  const field = { current: null as EncryptedField | null }
  const posts = captureNativePosts()
  try {
    const view = render(<TrialForm mode="native" fieldRef={field} publicKey={oldKey.publicKey} scheme={gate.scheme} />)
    const input = view.getByTestId('pin') as HTMLInputElement
    typeInto(input, '482913')
    await act(async () => input.form!.requestSubmit())
    await waitFor(() => expect(gate.started()).toBe(1)) // encrypting with the old key, held at the gate
    expect(field.current!.status).toBe('encrypting')

    act(() => view.rerender(<TrialForm mode="native" fieldRef={field} publicKey={newKey.publicKey} scheme={gate.scheme} />))
    gate.release()
    await waitFor(() => expect(posts.posts).toHaveLength(1))
    const posted = String(posts.posts[0]!.get('transactionPin'))
    expect(gate.started(), 'the old-key result was thrown away and redone').toBe(2)
    expect(decrypts(posted, newKey.privateKey)).toBe('482913')
    expect(decrypts(posted, oldKey.privateKey)).toBeNull()
  } finally {
    posts.stop()
  }
})

test('a key that goes back to loading (null) takes the ciphertext with it: nothing is submitted until a key is back', async () => {
  const field = { current: null as EncryptedField | null }
  const posts = captureNativePosts()
  try {
    const view = render(<TrialForm mode="native" fieldRef={field} publicKey={oldKey.publicKey} />)
    const input = view.getByTestId('pin') as HTMLInputElement
    typeInto(input, '482913')
    await act(() => field.current!.encrypt())
    act(() => view.rerender(<TrialForm mode="native" fieldRef={field} publicKey={null} />))
    expect(field.current!.ciphertext).toBe('')
    expect(field.current!.fingerprint).toBeNull()
    await act(async () => input.form!.requestSubmit())
    await waitFor(() => expect(field.current!.error?.code).toBe('ERR_KEY_MISSING'))
    expect(posts.posts).toEqual([])
  } finally {
    posts.stop()
  }
})
