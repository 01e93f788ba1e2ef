// Example (docs/key-rotation.md): a plain DOM page whose PIN form survives a key rotation.
import { createFincodeKeySource, encryptPayload, isFincodeSecureError, submitWithKeyRecovery } from '../../../src/index.js'

/**
 * `form` holds a nameless `<input type="password" data-encrypted-name="transactionPin">` and an
 * `<output>`; the page's server answers `keyUrl` with its key and `sendUrl` with the rotated-key answer when needed.
 */
export function mountPinForm(form: HTMLFormElement, { keyUrl, sendUrl }: { keyUrl: string; sendUrl: string }): () => void {
  const pin = form.querySelector<HTMLInputElement>('input[data-encrypted-name="transactionPin"]')!
  const output = form.querySelector('output')!
  const keySource = createFincodeKeySource(keyUrl)

  // Shows why no key could be loaded (endpoint down, a private or non-RSA key…) before anything is typed.
  const stop = keySource.subscribe(() => {
    const { status, error } = keySource.getSnapshot()
    if (status === 'error' && error) output.textContent = error.message
  })

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault()
    try {
      const response = await submitWithKeyRecovery({
        keySource,
        // Called again after a rotation: the PIN is read from the input each time, never kept.
        encrypt: async (key) => ({ transactionPin: await encryptPayload(pin.value, key) }),
        // values = { transactionPin: '<ciphertext>', fincodeKeyFingerprint: '<hex>' }
        send: (values) => fetch(sendUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) }),
        onRetry: () => (output.textContent = 'The key was rotated; sending again…'),
      })
      output.textContent = response.ok ? 'PIN changed.' : `The server answered ${response.status}.`
      if (response.ok) pin.value = ''
    } catch (error) {
      // ERR_KEY_STALE, a second ERR_KEY_ROTATED, a key that could not load: the PIN stays typed.
      output.textContent = isFincodeSecureError(error) ? error.message : 'The request failed; try again.'
    }
  }
  form.addEventListener('submit', onSubmit)
  return () => {
    form.removeEventListener('submit', onSubmit)
    stop()
  }
}
