'use client'
import { useActionState, useEffect, useState } from 'react'
import { useFormStatus } from 'react-dom'
import { useEncryptedField, useEncryptedFields } from 'fincode-secure/react'
import { changePin, type ChangePinState } from './actions'

const fourToTwelveDigits = (value: string) => (/^\d{4,12}$/.test(value) ? null : 'Use 4 to 12 digits.')

/** The organisation's public key from the route handler; null while it loads. */
function usePublicKey(url: string): { publicKey: string | null; failed: boolean } {
  const [state, setState] = useState<{ publicKey: string | null; failed: boolean }>({ publicKey: null, failed: false })
  useEffect(() => {
    let current = true
    fetch(url)
      .then((response) => (response.ok ? (response.json() as Promise<{ publicKey: string }>) : Promise.reject(new Error(String(response.status)))))
      .then(({ publicKey }) => current && setState({ publicKey, failed: false }))
      .catch(() => current && setState({ publicKey: null, failed: true }))
    return () => {
      current = false
    }
  }, [url])
  return state
}

function SubmitButton({ ready }: { ready: boolean }) {
  const { pending } = useFormStatus()
  return (
    <button type="submit" disabled={!ready || pending}>
      {pending ? 'Changing…' : 'Change PIN'}
    </button>
  )
}

export function ChangePinForm({ keyUrl }: { keyUrl: string }) {
  const { publicKey, failed } = usePublicKey(keyUrl)
  const [state, dispatch] = useActionState(changePin, { status: 'idle' } satisfies ChangePinState as ChangePinState)
  const current = useEncryptedField({ publicKey, name: 'currentPin', required: 'Enter your current PIN.' })
  const next = useEncryptedField({ publicKey, name: 'newPin', required: 'Enter a new PIN.', validate: fourToTwelveDigits })
  const confirmation = useEncryptedField({ publicKey, name: 'newPinConfirmation', required: 'Enter the new PIN again.' })
  const form = useEncryptedFields([current, next, confirmation], {
    // Plaintexts are compared here, right before encryption; ciphertexts cannot be (OAEP is randomised).
    validate: (pins) => (pins.newPin === pins.newPinConfirmation ? null : 'The new PINs do not match.'),
  })
  return (
    <form action={form.action(dispatch)}>
      <label>
        Current PIN <input {...current.inputProps} />
      </label>
      <label>
        New PIN <input {...next.inputProps} />
      </label>
      <label>
        New PIN again <input {...confirmation.inputProps} />
      </label>
      {failed && <p role="alert">The encryption key could not be loaded. Reload the page.</p>}
      {form.error && <p role="alert">{form.validationMessage ?? 'The PINs could not be encrypted. Try again.'}</p>}
      {state.status === 'refused' && <p role="alert">{state.message}</p>}
      {state.status === 'changed' && <p role="status">PIN changed at {state.changedAt}.</p>}
      <SubmitButton ready={publicKey !== null} />
    </form>
  )
}
