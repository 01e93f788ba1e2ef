// Every way a submission can fail shows in status/error, and nothing is
// submitted: not natively, not to a handler, not to an action.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, test } from 'vitest'
import { oaepSha256, type EncryptionScheme } from '../../src/index.js'
import type { EncryptedField } from '../../src/react/index.js'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { captureNativePosts, TrialForm, typeInto, type Received, type TrialMode } from './harness.js'

afterEach(cleanup)

const pause = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))
const failingScheme: EncryptionScheme = { ...oaepSha256, encrypt: () => Promise.reject(new Error('boom')) }
const fourToSix = (value: string) => (/^\d{4,6}$/.test(value) ? null : 'Use four to six digits.')

function setup(mode: TrialMode, props: { publicKey: string | null; scheme?: EncryptionScheme; validate?: (v: string) => string | null }) {
  const field = { current: null as EncryptedField | null }
  const received: Received[] = []
  const posts = captureNativePosts()
  const view = render(<TrialForm mode={mode} fieldRef={field} onReceived={(r) => received.push(r)} {...props} />)
  const input = view.getByTestId('pin') as HTMLInputElement
  const submit = () => act(async () => (view.getByRole('button') as HTMLButtonElement).click())
  return { view, field, received, posts, input, submit }
}

const cases: [name: string, props: () => Parameters<typeof setup>[1], typed: string, code: string, message?: RegExp][] = [
  ['a bad key', () => ({ publicKey: 'not a key' }), '482913', 'ERR_KEY_INVALID'],
  ['a private key', () => ({ publicKey: testKeyPair(2048).privatePem }), '482913', 'ERR_KEY_PRIVATE'],
  ['the key still loading', () => ({ publicKey: null }), '482913', 'ERR_KEY_MISSING', /has not loaded yet/],
  ['validate() refusing the value', () => ({ publicKey: testKeyPair(2048).publicKey, validate: fourToSix }), '12a', 'ERR_VALUE_INVALID', /^Use four to six digits\.$/],
  ['a required field left empty', () => ({ publicKey: testKeyPair(2048).publicKey }), '', 'ERR_VALUE_INVALID', /^This field is required\.$/],
  ['WebCrypto failing', () => ({ publicKey: testKeyPair(2048).publicKey, scheme: failingScheme }), '482913', 'ERR_ENCRYPTION_FAILED'],
  ['a value too long for the key', () => ({ publicKey: testKeyPair(2048).publicKey }), '7'.repeat(191), 'ERR_PAYLOAD_TOO_LARGE', /191 bytes/],
]

describe.each<TrialMode>(['native', 'handler', 'action'])('nothing is submitted (%s)', (mode) => {
  test.each(cases)('%s', async (_, props, typed, code, message) => {
    const t = setup(mode, props())
    try {
      typeInto(t.input, typed)
      await t.submit()
      await waitFor(() => expect(t.field.current!.error?.code).toBe(code))
      await pause(100) // time for anything that would still be submitted, and for React's reset after an action
      expect(t.field.current!.status).toBe('error')
      expect(t.field.current!.error?.code).toBe(code)
      if (message) expect(t.field.current!.error!.message).toMatch(message)
      if (typed) expect(t.field.current!.error!.message).not.toContain(typed)
      expect(t.field.current!.hiddenInputProps.value).toBe('')
      expect(t.posts.posts).toEqual([])
      expect(t.received).toEqual([])
    } finally {
      t.posts.stop()
    }
  })
})

describe('errors in status and error before any submit', () => {
  test('a bad key is reported as soon as it is imported, and clears when a good key arrives', async () => {
    const t = setup('handler', { publicKey: 'not a key' })
    try {
      await waitFor(() => expect(t.field.current!.status).toBe('error'))
      expect(t.field.current!.error?.code).toBe('ERR_KEY_INVALID')
      expect(t.field.current!.fingerprint).toBeNull()
      t.view.rerender(<TrialForm mode="handler" fieldRef={t.field} publicKey={testKeyPair(2048).publicKey} />)
      await waitFor(() => expect(t.field.current!.fingerprint).not.toBeNull())
      expect(t.field.current!.status).toBe('idle')
      expect(t.field.current!.error).toBeNull()
    } finally {
      t.posts.stop()
    }
  })

  test('a key that arrives after a refused submit clears ERR_KEY_MISSING, and the next submit goes through', async () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    const t = setup('handler', { publicKey: null })
    try {
      expect(t.field.current!.status).toBe('idle')
      typeInto(t.input, '482913')
      await t.submit()
      await waitFor(() => expect(t.field.current!.error?.code).toBe('ERR_KEY_MISSING'))
      expect(t.input.value).toBe('482913') // refused before the hand-off: the user does not retype
      t.view.rerender(<TrialForm mode="handler" fieldRef={t.field} publicKey={publicKey} onReceived={(r) => t.received.push(r)} />)
      await waitFor(() => expect(t.field.current!.fingerprint).not.toBeNull())
      expect(t.field.current!.error).toBeNull()
      await t.submit()
      await waitFor(() => expect(t.received).toHaveLength(1))
      expect(nodeDecrypt(t.received[0]!.ciphertext, privateKey)).toBe('482913')
    } finally {
      t.posts.stop()
    }
  })

  test('aria-invalid marks a refused value, and the next keystroke clears the error', async () => {
    const t = setup('handler', { publicKey: testKeyPair(2048).publicKey, validate: fourToSix })
    try {
      typeInto(t.input, '12')
      await t.submit()
      await waitFor(() => expect(t.input.getAttribute('aria-invalid')).toBe('true'))
      expect(t.field.current!.validationMessage).toBe('Use four to six digits.')
      typeInto(t.input, '3')
      await waitFor(() => expect(t.field.current!.status).toBe('idle'))
      expect(t.input.getAttribute('aria-invalid')).toBe('false')
      expect(t.field.current!.validationMessage).toBeNull()
    } finally {
      t.posts.stop()
    }
  })
})

describe('validate() messages never carry the value', () => {
  test.each([
    ['a message that repeats the value', (v: string) => `${v} is too easy to guess.`],
    ['a validator that throws with the value', (v: string) => { throw new Error(`bad ${v}`) }],
  ])('%s is replaced by a generic message', async (_, validate) => {
    const t = setup('handler', { publicKey: testKeyPair(2048).publicKey, validate })
    try {
      typeInto(t.input, '482913')
      await t.submit()
      await waitFor(() => expect(t.field.current!.error?.code).toBe('ERR_VALUE_INVALID'))
      expect(t.field.current!.validationMessage).not.toContain('482913')
      expect(t.field.current!.error!.message).not.toContain('482913')
      expect(t.received).toEqual([])
    } finally {
      t.posts.stop()
    }
  })
})
