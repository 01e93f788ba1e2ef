// Current PIN, new PIN and confirmation in one form, one submit handler.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, test } from 'vitest'
import { useEncryptedField, type EncryptedValues } from '../../src/react/index.js'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { ChangePinForm } from './examples/change-pin-form.js'
import { captureNativePosts, leaks, random, retype, typeInto } from './harness.js'

afterEach(cleanup)

const { publicKey, privateKey } = testKeyPair(2048)
const SEED = Number(process.env.TRIAL_SEED ?? Math.floor(Math.random() * 2 ** 32))

describe('ChangePinForm (useEncryptedFields + handleSubmit)', () => {
  function setup() {
    const saved: EncryptedValues[] = []
    const view = render(<ChangePinForm publicKey={publicKey} onSave={(values) => saved.push(values)} />)
    const [current, next, confirm] = view.getAllByLabelText(/PIN/) as HTMLInputElement[]
    const submit = () => act(async () => (view.getByRole('button') as HTMLButtonElement).click())
    return { view, saved, current: current!, next: next!, confirm: confirm!, submit }
  }

  test('50 random trials: one handler call with three ciphertexts that decrypt to the three typed PINs', async () => {
    const rng = random(SEED)
    const t = setup()
    for (let trial = 0; trial < 50; trial++) {
      const pins = { currentPin: String(rng.int(0, 999999)).padStart(6, '0'), newPin: String(rng.int(0, 9999)).padStart(4, '0') }
      typeInto(t.current, pins.currentPin)
      typeInto(t.next, pins.newPin)
      typeInto(t.confirm, pins.newPin)
      await t.submit()
      await waitFor(() => expect(t.saved).toHaveLength(trial + 1))
      const body = t.saved[trial]!
      const context = `seed ${SEED}, trial ${trial}`
      expect(Object.keys(body).sort(), context).toEqual(['currentPin', 'fincodeKeyFingerprint', 'newPin', 'newPinConfirmation'])
      expect(body.fincodeKeyFingerprint, context).toMatch(/^[0-9a-f]{64}$/)
      expect(nodeDecrypt(body.currentPin!, privateKey), context).toBe(pins.currentPin)
      expect(nodeDecrypt(body.newPin!, privateKey), context).toBe(pins.newPin)
      expect(nodeDecrypt(body.newPinConfirmation!, privateKey), context).toBe(pins.newPin)
      expect(leaks(JSON.stringify(body), pins.currentPin) || leaks(JSON.stringify(body), pins.newPin), context).toBe(false)
      expect([t.current.value, t.next.value, t.confirm.value], context).toEqual(['', '', ''])
    }
  })

  test('a confirmation that does not match: the group message, and nothing encrypted or saved', async () => {
    const t = setup()
    typeInto(t.current, '1111')
    typeInto(t.next, '482913')
    typeInto(t.confirm, '482914')
    await t.submit()
    expect((await t.view.findByRole('alert')).textContent).toBe('The new PINs do not match.')
    expect(t.saved).toEqual([])
    expect([t.current.value, t.next.value, t.confirm.value]).toEqual(['1111', '482913', '482914']) // kept to correct

    retype(t.confirm, '482913') // the next keystroke clears the group message
    await waitFor(() => expect(t.view.queryByRole('alert')).toBeNull())
    await t.submit()
    await waitFor(() => expect(t.saved).toHaveLength(1))
    expect(nodeDecrypt(t.saved[0]!.newPinConfirmation!, privateKey)).toBe('482913')
  })

  test('one field refused by its own validate(): nothing saved', async () => {
    const t = setup()
    typeInto(t.current, '12')
    typeInto(t.next, '482913')
    typeInto(t.confirm, '482913')
    await t.submit()
    expect((await t.view.findByRole('alert')).textContent).toBe('Use four to six digits.')
    expect(t.saved).toEqual([])
  })
})

test('a native form: the onSubmit of any one field holds the post until every encrypted field of the form is filled', async () => {
  function NativeChangePin() {
    const current = useEncryptedField({ publicKey, name: 'currentPin', required: true })
    const next = useEncryptedField({ publicKey, name: 'newPin', required: true })
    return (
      <form onSubmit={current.onSubmit} method="post" action="/change-pin">
        <input {...current.inputProps} aria-label="current" />
        <input {...current.hiddenInputProps} />
        <input {...next.inputProps} aria-label="new" />
        <input {...next.hiddenInputProps} />
        <button type="submit">Change</button>
      </form>
    )
  }
  const rng = random(SEED)
  const posts = captureNativePosts()
  try {
    const view = render(<NativeChangePin />)
    const current = view.getByLabelText('current') as HTMLInputElement
    const next = view.getByLabelText('new') as HTMLInputElement
    for (let trial = 0; trial < 50; trial++) {
      const [a, b] = [rng.secret(), rng.secret()]
      typeInto(current, a)
      typeInto(next, b)
      current.form!.requestSubmit(view.getByRole('button') as HTMLButtonElement)
      await waitFor(() => expect(posts.posts).toHaveLength(trial + 1))
      const posted = posts.posts[trial]!
      expect(nodeDecrypt(String(posted.get('currentPin')), privateKey)).toBe(a)
      expect(nodeDecrypt(String(posted.get('newPin')), privateKey)).toBe(b)
      expect(leaks(posted, a) || leaks(posted, b)).toBe(false)
    }
  } finally {
    posts.stop()
  }
})
