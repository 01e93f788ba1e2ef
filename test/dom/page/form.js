// The test page's script: binds the form with fincode-secure/dom (the built
// package) and offers the test a trial() to run in the page.
import { encryptForm } from '/dist/dom/index.js'

const params = new URLSearchParams(location.search)
const keys = { good: document.body.dataset.publicKey, bad: 'not a key', none: null }
const form = document.querySelector('form')
const input = form.querySelector('[data-fincode-field]')
const button = form.querySelector('button')
const sink = document.querySelector('iframe')

window.errors = []
form.addEventListener('fincodeerror', (event) => window.errors.push(event.detail.error.code))
window.handle = encryptForm(form, {
  publicKey: keys[params.get('key') ?? 'good'],
  fields: { transactionPin: { required: true, validate: (value) => (Array.from(value).length <= 8 ? null : 'At most 8 characters.') } },
})

/** Types like a browser: one character at a time, each with an input event. */
function typeInto(text) {
  for (const character of text) {
    input.value += character
    input.dispatchEvent(new Event('input', { bubbles: true }))
  }
}

const posted = () => new Promise((resolve) => sink.addEventListener('load', resolve, { once: true }))

/**
 * One trial: types the first part of the secret, maybe encrypts early, types the
 * rest and submits in the same tick, one of three ways. Resolves once the post
 * reached the server, with what the visible input holds then.
 */
window.trial = async ({ secret, cut, early, how }) => {
  const characters = Array.from(secret)
  typeInto(characters.slice(0, cut).join(''))
  if (early === 'await') await window.handle.encrypt()
  if (early === 'fire') void window.handle.encrypt()
  typeInto(characters.slice(cut).join(''))
  const arrived = posted()
  if (how === 0) button.click()
  else if (how === 1) form.requestSubmit(button)
  else form.requestSubmit()
  await arrived
  return { left: input.value, named: input.hasAttribute('name') }
}

window.typeInto = typeInto
window.submit = () => button.click()
window.errorText = () => document.getElementById('pin-error').textContent
window.state = () => ({ invalid: input.getAttribute('aria-invalid'), value: input.value, secure: window.isSecureContext })
window.ready = () => window.handle.fingerprint !== null || window.errors.length > 0 || params.get('key') === 'none'
