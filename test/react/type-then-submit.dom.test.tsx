// The central promise of useEncryptedField, in happy-dom: whatever the user typed
// last is what the server decrypts, even when the submit comes in the same tick
// as the last keystroke, and the plaintext is in no body that leaves the page.
import { cleanup, render, waitFor } from '@testing-library/react'
import { createRef } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import type { EncryptedField } from '../../src/react/index.js'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { captureNativePosts, leaks, random, TrialForm, typeInto, type Received, type TrialMode } from './harness.js'

const SEED = Number(process.env.TRIAL_SEED ?? Math.floor(Math.random() * 2 ** 32))
const TRIALS = 200

afterEach(cleanup)

function within<T>(promise: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(why())), ms)))
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

describe.each<TrialMode>(['native', 'handler', 'action'])('type, then submit in the same tick (%s)', (mode) => {
  test(`${TRIALS} random trials: the submitted ciphertext decrypts to the last typed value, and no body holds the plaintext`, async () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    const rng = random(SEED)
    const field = createRef<EncryptedField | null>() as { current: EncryptedField | null }
    let deliver: (received: Received) => void = () => {}
    const posts = captureNativePosts()
    try {
      const view = render(<TrialForm publicKey={publicKey} mode={mode} fieldRef={field} onReceived={(r) => deliver(r)} />)
      await waitFor(() => expect(field.current?.fingerprint).toMatch(/^[0-9a-f]{64}$/))
      const input = view.getByTestId('pin') as HTMLInputElement
      const button = view.getByRole('button') as HTMLButtonElement
      const form = input.form!
      let handlerCalls = 0

      for (let trial = 0; trial < TRIALS; trial++) {
        const context = `seed ${SEED}, trial ${trial}`
        const secret = rng.secret()
        const chars = Array.from(secret)
        const received: Promise<Received> =
          mode === 'native'
            ? posts.next().then((data) => ({ ciphertext: String(data.get('transactionPin')), bodies: [data] }))
            : new Promise((resolve) => (deliver = (r) => (handlerCalls++, resolve(r))))

        // Some trials leave an older ciphertext behind (finished or still running) for a prefix of the value.
        const cut = rng.int(1, chars.length)
        typeInto(input, chars.slice(0, cut).join(''))
        const before = rng.next()
        if (before < 0.25) await field.current!.encrypt()
        else if (before < 0.5) void field.current!.encrypt()
        // The rest of the value and the submit, in one synchronous block.
        typeInto(input, chars.slice(cut).join(''))
        // happy-dom 21 gives requestSubmit() without a submitter a SubmitEvent whose submitter is the form
        // (browsers: null), and React's `new FormData(form, submitter)` then throws; Chromium covers that case.
        const how = rng.int(0, mode === 'action' ? 1 : 2)
        // React resets a form once its action's transition commits: wait for that before the next trial types.
        const formReset = mode === 'action' && new Promise((resolve) => form.addEventListener('reset', resolve, { once: true }))
        if (how === 0) button.click()
        else if (how === 1) form.requestSubmit(button)
        else form.requestSubmit()

        const { ciphertext, bodies } = await within(received, 5_000, () => `${context}: nothing was submitted (status ${field.current?.status}, ${field.current?.error?.code})`)
        expect(nodeDecrypt(ciphertext, privateKey), context).toBe(secret)
        for (const body of bodies) expect(leaks(body, secret), `${context}: a body holds the plaintext`).toBe(false)
        expect(input.hasAttribute('name'), context).toBe(false)
        // Emptied once the handler's result was read (it could have been the rotated-key answer): a few microtasks later.
        await waitFor(() => expect(input.value, `${context}: the visible input is emptied`).toBe(''))
        if (formReset) await within(formReset, 5_000, () => `${context}: React did not reset the form`)
      }
      if (mode === 'native') expect(posts.posts).toHaveLength(TRIALS)
      else expect(handlerCalls).toBe(TRIALS)
    } finally {
      posts.stop()
    }
  })
})
