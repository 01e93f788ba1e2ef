'use client'
import { useEffect, useRef, useState, useTransition, type FormEvent } from 'react'
import { isFincodeSecureError, submitWithKeyRecovery, type FincodePublicKey } from 'fincode-secure'
import { EncryptedInput, FincodeKeyProvider, useEncryptedField, useEncryptedFields, useFincodeKey, type EncryptedFields } from 'fincode-secure/react'
import { changePin } from './actions'

const fourToTwelveDigits = (value: string) => (/^\d{4,12}$/.test(value) ? null : 'Use 4 to 12 digits.')

type Shown = { status: 'idle' } | { status: 'retrying' } | { status: 'changed'; changedAt: string } | { status: 'refused'; message: string }

// fincode-secure/react has no 'use client' of its own: the provider goes in a client component.
export function ChangePinForm({ keyUrl }: { keyUrl: string }) {
  return (
    <FincodeKeyProvider url={keyUrl}>
      <PinFields />
    </FincodeKeyProvider>
  )
}

function PinFields() {
  const key = useFincodeKey()
  const [shown, setShown] = useState<Shown>({ status: 'idle' })
  const [pending, startTransition] = useTransition()
  const current = useEncryptedField({ publicKey: key.publicKey, name: 'currentPin', required: 'Enter your current PIN.' })
  const next = useEncryptedField({ publicKey: key.publicKey, name: 'newPin', required: 'Enter a new PIN.', validate: fourToTwelveDigits })
  const confirmation = useEncryptedField({ publicKey: key.publicKey, name: 'newPinConfirmation', required: 'Enter the new PIN again.' })
  const form = useEncryptedFields([current, next, confirmation], {
    // Plaintexts are compared here, right before encryption; ciphertexts cannot be (OAEP is randomised).
    validate: (pins) => (pins.newPin === pins.newPinConfirmation ? null : 'The new PINs do not match.'),
  })
  // The group's own check (the new PINs differ) is shown under the confirmation; each field shows its own errors.
  const groupMessage = [current, next, confirmation].some((field) => field.error) ? null : form.validationMessage
  const encryptWith = useEncryptWith(form, [current.fingerprint, next.fingerprint, confirmation.fingerprint])

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    startTransition(async () => {
      try {
        // Encrypts with the provider's key and calls the Server Action with the ciphertexts and
        // fincodeKeyFingerprint. If it answers KEY_ROTATED, loads the new key, encrypts what the
        // inputs still hold and calls it once more: the user types nothing again.
        const result = await submitWithKeyRecovery({
          keySource: key.source,
          encrypt: encryptWith,
          send: (values) => changePin(formData(values)),
          onRetry: () => setShown({ status: 'retrying' }),
        })
        // (A rotated-key answer never comes back here: it is retried, or thrown as ERR_KEY_ROTATED / ERR_KEY_STALE.)
        if ('status' in result) setShown(result)
        if ('status' in result && result.status === 'changed') form.reset()
      } catch (error) {
        // A PIN the checks refused is shown by the fields; KEY_STALE, a key that could not load,
        // a second rotation: the PINs stay typed for another try.
        const shownByFields = isFincodeSecureError(error) && error.code === 'ERR_VALUE_INVALID'
        setShown(shownByFields ? { status: 'idle' } : { status: 'refused', message: isFincodeSecureError(error) ? error.message : 'The PIN could not be changed. Try again.' })
      }
    })
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {/* The ciphertexts go to the action in the FormData built above: no hidden inputs needed. */}
      <EncryptedInput field={current} label="Current PIN" hiddenInput={false} />
      <EncryptedInput field={next} label="New PIN" hint="4 to 12 digits." hiddenInput={false} />
      <EncryptedInput field={confirmation} label="New PIN again" error={groupMessage} hiddenInput={false} />
      {key.error && <p role="alert">The encryption key could not be loaded. Reload the page.</p>}
      {shown.status === 'refused' && <p role="alert">{shown.message}</p>}
      {shown.status === 'retrying' && <p role="status">The encryption key was rotated; sending again…</p>}
      {shown.status === 'changed' && <p role="status">PIN changed at {shown.changedAt}.</p>}
      <button type="submit" disabled={!key.publicKey || pending}>
        {pending ? 'Changing…' : 'Change PIN'}
      </button>
    </form>
  )
}

function formData(values: Record<string, string>): FormData {
  const data = new FormData()
  for (const [name, value] of Object.entries(values)) data.set(name, value)
  return data
}

/**
 * `encrypt(key)` for submitWithKeyRecovery. The fields encrypt with the key of
 * their last render; after a rotation the provider's new key reaches them a
 * render later, so this waits for that render before encrypting what the inputs hold.
 */
function useEncryptWith(form: EncryptedFields, fingerprints: (string | null)[]): (key: FincodePublicKey) => Promise<Record<string, string>> {
  const latest = useRef({ form, fingerprints })
  useEffect(() => {
    latest.current = { form, fingerprints }
  })
  return async (key) => {
    for (const deadline = Date.now() + 10_000; !latest.current.fingerprints.every((f) => f === key.fingerprint); ) {
      if (Date.now() > deadline) throw new Error('The form did not take up the new encryption key.')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return latest.current.form.encrypt()
  }
}
