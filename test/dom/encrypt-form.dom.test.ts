// encryptForm's contract in happy-dom: what it does to the form, submit(fn),
// errors (aria-invalid, the fincodeerror event, the message element), key
// changes and destroy(). The browser suite (browser-suite.ts) covers real posts.
import { afterEach, describe, expect, test } from 'vitest'
import { encryptForm, type EncryptedForm } from '../../src/dom/index.js'
import { importPublicKey } from '../../src/index.js'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { typeInto } from '../react/harness.js'

const { publicKey, privateKey } = testKeyPair(2048)
const other = testKeyPair(3072)
const pause = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

let handle: EncryptedForm | undefined
afterEach(() => {
  handle?.destroy()
  handle = undefined
  document.body.innerHTML = ''
})

function page() {
  document.body.innerHTML = `
    <form method="post" action="/pay">
      <input name="amount" value="1200">
      <input data-fincode-field="transactionPin" name="pin" aria-describedby="pin-error">
      <p id="pin-error" data-fincode-error></p>
      <input data-fincode-field="userPin">
      <button type="submit">Pay</button>
    </form>`
  const form = document.querySelector('form')!
  const [pin, userPin] = form.querySelectorAll<HTMLInputElement>('[data-fincode-field]')
  return { form, pin: pin!, userPin: userPin!, message: document.getElementById('pin-error')! }
}

describe('binding a form', () => {
  test('the marked inputs lose their name; a hidden input per field carries the ciphertext', () => {
    const { form, pin } = page()
    handle = encryptForm(form, { publicKey })
    expect(pin.hasAttribute('name')).toBe(false)
    expect([...form.querySelectorAll<HTMLInputElement>('input[type=hidden]')].map((input) => input.name)).toEqual(['transactionPin', 'userPin'])
    expect(pin.nextElementSibling).toBe(form.querySelector('input[type=hidden][name=transactionPin]'))
  })

  test('a form without marked inputs, or something that is not a form, is refused at once, naming the problem', () => {
    document.body.innerHTML = '<form><input name="x"></form>'
    expect(() => encryptForm(document.querySelector('form')!, { publicKey })).toThrow(/data-fincode-field/)
    expect(() => encryptForm(document.body as unknown as HTMLFormElement, { publicKey })).toThrow(/encryptForm: form must be a <form> element/)
  })

  test('destroy() removes the hidden inputs and listeners', () => {
    const { form } = page()
    encryptForm(form, { publicKey }).destroy()
    expect(form.querySelectorAll('input[type=hidden]')).toHaveLength(0)
  })
})

describe('submit(fn), for fetch-based forms', () => {
  test('fn gets the ciphertexts and the key fingerprint; the inputs are emptied only after fn resolved', async () => {
    const { form, pin, userPin } = page()
    handle = encryptForm(form, { publicKey, fields: { transactionPin: { required: true } } })
    typeInto(pin, '482913')
    typeInto(userPin, '0000')
    let during: string[] = []
    const outcome = await handle.submit(async (values) => {
      during = [pin.value, userPin.value]
      return values
    })
    expect(during).toEqual(['482913', '0000'])
    expect([pin.value, userPin.value]).toEqual(['', ''])
    if (!outcome.ok) throw new Error('refused')
    expect(nodeDecrypt(outcome.result.transactionPin!, privateKey)).toBe('482913')
    expect(nodeDecrypt(outcome.result.userPin!, privateKey)).toBe('0000')
    expect(outcome.result.fincodeKeyFingerprint).toBe((await importPublicKey(publicKey)).fingerprint)
  })

  test('a refusal: fn is not called, the outcome holds the error, the values stay typed', async () => {
    const { form, pin } = page()
    handle = encryptForm(form, { publicKey, fields: { transactionPin: { validate: (v) => (v.length >= 4 ? null : 'Too short.') } } })
    typeInto(pin, '12')
    let called = false
    const outcome = await handle.submit(() => (called = true))
    expect(called).toBe(false)
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_VALUE_INVALID', message: 'Too short.' } })
    expect(pin.value).toBe('12')
  })
})

describe('errors', () => {
  test('aria-invalid, a bubbling fincodeerror event with the error, the message in the aria-describedby element; the next keystroke clears them', async () => {
    const { form, pin, message } = page()
    const events: CustomEvent[] = []
    document.addEventListener('fincodeerror', (event) => events.push(event as CustomEvent))
    handle = encryptForm(form, { publicKey, fields: { transactionPin: { required: 'Enter your PIN.' } } })
    await handle.submit(() => {})
    expect(pin.getAttribute('aria-invalid')).toBe('true')
    expect(events.map((event) => [event.target, event.detail.error.code])).toEqual([[pin, 'ERR_VALUE_INVALID']])
    expect(message.textContent).toBe('Enter your PIN.')
    typeInto(pin, '4')
    expect(pin.getAttribute('aria-invalid')).toBe('false')
    expect(message.textContent).toBe('')
  })

  test('an app that cancels the fincodeerror event writes its own text', async () => {
    const { form, message } = page()
    form.addEventListener('fincodeerror', (event) => {
      event.preventDefault()
      message.textContent = '暗証番号を入力してください。'
    })
    handle = encryptForm(form, { publicKey, fields: { transactionPin: { required: true } } })
    await handle.submit(() => {})
    expect(message.textContent).toBe('暗証番号を入力してください。')
  })

  test('a bad key is shown before any submit; a key not loaded yet on submit (messages replaceable)', async () => {
    const bad = page()
    handle = encryptForm(bad.form, { publicKey: 'not a key' })
    await pause()
    expect(bad.message.textContent).toMatch(/publicKey/)
    handle.destroy()
    const loading = page()
    handle = encryptForm(loading.form, { publicKey: null, messages: { keyMissing: '読み込み中です。' } })
    typeInto(loading.pin, '482913')
    expect(await handle.submit(() => {})).toMatchObject({ ok: false, error: { code: 'ERR_KEY_MISSING' } })
    expect(loading.message.textContent).toBe('読み込み中です。')
  })
})

describe('keys', () => {
  test('publicKey as a function (e.g. a fetch) is called once; setPublicKey() switches keys and drops old ciphertexts', async () => {
    const { form, pin } = page()
    let calls = 0
    handle = encryptForm(form, { publicKey: async () => (calls++, publicKey) })
    await pause()
    expect(calls).toBe(1)
    typeInto(pin, '482913')
    const hidden = form.querySelector<HTMLInputElement>('input[type=hidden][name=transactionPin]')!
    const first = (await handle.encrypt()).transactionPin!
    expect(hidden.value).toBe(first)
    handle.setPublicKey(other.publicKey)
    expect(hidden.value, 'dropped at once').toBe('')
    const second = (await handle.encrypt()).transactionPin!
    expect(nodeDecrypt(second, other.privateKey)).toBe('482913')
    expect(handle.fingerprint).toBe((await importPublicKey(other.publicKey)).fingerprint)
  })
})
