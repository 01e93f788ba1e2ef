// The same promise as type-then-submit.dom.test.tsx, in real Chromium: its
// WebCrypto, its form submission and React's real event system. Ciphertexts are
// decrypted in Node (browser command `decrypt`) with the private key.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { Profiler } from 'react'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { commands, userEvent } from 'vitest/browser'
import type { EncryptedField } from '../../src/react/index.js'
import { captureNativePosts, leaks, random, TrialForm, typeInto, type Received, type TrialMode } from './harness.js'

const SEED = Math.floor(Math.random() * 2 ** 32)
const TRIALS = 200
const MODES: TrialMode[] = ['native', 'handler', 'action']

let keys: { publicKey: string; privatePem: string }
beforeAll(async () => {
  keys = await commands.testKeyPair(2048)
})
afterAll(cleanup)

/** Renders one form per way of submitting; each reports what reached "the server". */
async function renderForms() {
  const forms = new Map<TrialMode, { field: { current: EncryptedField | null }; input: HTMLInputElement; button: HTMLButtonElement; deliver: (r: Received) => void }>()
  for (const mode of MODES) {
    const entry = { field: { current: null as EncryptedField | null }, deliver: (_: Received) => {} } as const
    const view = render(<TrialForm publicKey={keys.publicKey} mode={mode} fieldRef={entry.field} onReceived={(r) => entry.deliver(r)} />)
    forms.set(mode, {
      ...entry,
      get deliver() {
        return entry.deliver
      },
      set deliver(fn) {
        ;(entry as { deliver: (r: Received) => void }).deliver = fn
      },
      input: view.container.querySelector<HTMLInputElement>('input[type=password]')!,
      button: view.container.querySelector('button')!,
    })
  }
  for (const { field } of forms.values()) await waitFor(() => expect(field.current?.fingerprint).toMatch(/^[0-9a-f]{64}$/))
  return forms
}

function within<T>(promise: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(why())), ms)))
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

test(`${TRIALS} random trials in Chromium, typed and submitted in the same tick: the server decrypts the last typed value`, async () => {
  const rng = random(SEED)
  const forms = await renderForms()
  const posts = captureNativePosts()
  try {
    for (let trial = 0; trial < TRIALS; trial++) {
      const mode = MODES[trial % MODES.length]!
      const form = forms.get(mode)!
      const context = `seed ${SEED}, trial ${trial} (${mode})`
      const secret = rng.secret()
      const chars = Array.from(secret)
      const received: Promise<Received> =
        mode === 'native'
          ? posts.next().then((data) => ({ ciphertext: String(data.get('transactionPin')), bodies: [data] }))
          : new Promise((resolve) => (form.deliver = resolve))
      const formReset = mode === 'action' && new Promise((resolve) => form.input.form!.addEventListener('reset', resolve, { once: true }))

      const cut = rng.int(1, chars.length)
      typeInto(form.input, chars.slice(0, cut).join(''))
      const before = rng.next()
      if (before < 0.25) await form.field.current!.encrypt()
      else if (before < 0.5) void form.field.current!.encrypt()
      typeInto(form.input, chars.slice(cut).join(''))
      const how = rng.int(0, 2)
      if (how === 0) form.button.click()
      else if (how === 1) form.input.form!.requestSubmit(form.button)
      else form.input.form!.requestSubmit()

      const { ciphertext, bodies } = await within(received, 5_000, () => `${context}: nothing was submitted (status ${form.field.current?.status})`)
      expect(await commands.decrypt(ciphertext, keys.privatePem), context).toBe(secret)
      for (const body of bodies) expect(leaks(body, secret), `${context}: a body holds the plaintext`).toBe(false)
      expect(form.input.hasAttribute('name'), context).toBe(false)
      expect(form.input.value, `${context}: the visible input is emptied`).toBe('')
      if (formReset) await within(formReset, 5_000, () => `${context}: React did not reset the form`)
    }
  } finally {
    posts.stop()
  }
})

test('typed with real keystrokes, submitted with Enter at once: 12 trials, every way of submitting', async () => {
  cleanup()
  const rng = random(SEED + 1)
  const forms = await renderForms()
  const posts = captureNativePosts()
  try {
    for (let trial = 0; trial < 12; trial++) {
      const mode = MODES[trial % MODES.length]!
      const form = forms.get(mode)!
      const secret = String(rng.int(0, 99999999)).padStart(rng.int(4, 8), '0')
      const received: Promise<Received> =
        mode === 'native'
          ? posts.next().then((data) => ({ ciphertext: String(data.get('transactionPin')), bodies: [data] }))
          : new Promise((resolve) => (form.deliver = resolve))
      const formReset = mode === 'action' && new Promise((resolve) => form.input.form!.addEventListener('reset', resolve, { once: true }))
      await userEvent.click(form.input)
      await userEvent.keyboard(`${secret}{Enter}`) // implicit submission, right after the last digit
      const { ciphertext, bodies } = await within(received, 5_000, () => `trial ${trial} (${mode}): nothing was submitted (status ${form.field.current?.status}, ${form.field.current?.error?.message}, posts ${posts.posts.length})`)
      expect(await commands.decrypt(ciphertext, keys.privatePem)).toBe(secret)
      for (const body of bodies) expect(leaks(body, secret)).toBe(false)
      expect(form.input.value).toBe('')
      if (formReset) await within(formReset, 5_000, () => `trial ${trial}: React did not reset the form`)
    }
  } finally {
    posts.stop()
  }
})

test('typing a 6-digit PIN with real keystrokes re-renders the form at most once (Profiler)', async () => {
  cleanup()
  const field = { current: null as EncryptedField | null }
  let updates = 0
  const view = render(
    <Profiler id="form" onRender={(_id, phase) => phase !== 'mount' && updates++}>
      <TrialForm publicKey={keys.publicKey} mode="handler" fieldRef={field} />
    </Profiler>,
  )
  await waitFor(() => expect(field.current?.fingerprint).not.toBeNull())
  await act(() => new Promise((resolve) => setTimeout(resolve, 20)))
  updates = 0
  const input = view.container.querySelector<HTMLInputElement>('input[type=password]')!
  await userEvent.click(input)
  await userEvent.keyboard('482913')
  await act(() => new Promise((resolve) => setTimeout(resolve, 20)))
  expect(input.value).toBe('482913')
  expect(updates).toBeLessThanOrEqual(1)
})
