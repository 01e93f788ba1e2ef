// Example (docs/dom.md): a form whose key comes from your key endpoint; submit(fn) survives a key rotation.
import { createFincodeKeySource, encryptForm } from '../../../src/dom/index.js'

/** One key source for the page: every form shares it (and so can `<FincodeKeyProvider source={keySource}>`). */
export const keySource = createFincodeKeySource('/api/fincode-key')

export function mountVerifyForm(form: HTMLFormElement): () => void {
  const status = form.querySelector('output')!
  const handle = encryptForm(form, {
    keySource, // the fields follow it; its error shows at the fields while there is no key
    fields: { transactionPin: { required: 'Enter your PIN.' } },
    onKeyRetry: () => (status.textContent = 'The key was rotated; sending again…'),
  })
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault() // this form sends itself, with fetch
    // A 409 KEY_ROTATED from your server: submit() fetches the new key, encrypts the inputs again and calls fn once more.
    const outcome = await handle.submit((values) =>
      fetch('/api/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) }),
    )
    if (!outcome.ok) status.textContent = outcome.error?.message ?? ''
    else status.textContent = outcome.result.ok ? 'Verified.' : `The server answered ${outcome.result.status}.`
  }
  form.addEventListener('submit', onSubmit)
  return () => {
    form.removeEventListener('submit', onSubmit)
    handle.destroy()
  }
}
