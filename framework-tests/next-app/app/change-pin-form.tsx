'use client'
import { useState, useTransition, type FormEvent } from 'react'
import { EncryptedInput, FincodeKeyProvider, useEncryptedField, useEncryptedFields, useFincodeKey, type FincodeFormError } from 'fincode-secure/react'
import { changePin } from './actions'

const fourToTwelveDigits = (value: string) => (/^\d{4,12}$/.test(value) ? null : 'Use 4 to 12 digits.')

type Shown = { status: 'idle' } | { status: 'changed'; changedAt: string } | { status: 'refused'; message: string }

/** Thrown from the submit function after a refusal it already shows: the inputs are emptied only once it resolved. */
const KEEP_TYPED = new Error('refused: the PINs stay typed')

/** The error when the server refused the key (KEY_STALE, or rotated again during the retry): about the submission, not one PIN. */
const keyRefusal = (error: FincodeFormError | null) => (error?.code === 'ERR_KEY_STALE' || error?.code === 'ERR_KEY_ROTATED' ? error : null)

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
  // No publicKey: the fields encrypt with the provider's key, and a rotated-key answer refreshes it.
  const current = useEncryptedField({ name: 'currentPin', required: 'Enter your current PIN.' })
  const next = useEncryptedField({ name: 'newPin', required: 'Enter a new PIN.', validate: fourToTwelveDigits })
  const confirmation = useEncryptedField({ name: 'newPinConfirmation', required: 'Enter the new PIN again.' })
  const form = useEncryptedFields([current, next, confirmation], {
    // Plaintexts are compared here, right before encryption; ciphertexts cannot be (OAEP is randomised).
    validate: (pins) => (pins.newPin === pins.newPinConfirmation ? null : 'The new PINs do not match.'),
  })
  // The group's own check (the new PINs differ) is shown under the confirmation; each field shows its own errors.
  const groupMessage = [current, next, confirmation].some((field) => field.error) ? null : form.validationMessage
  const refusedKey = keyRefusal(form.error)

  // Checks the three PINs (each field's checks, then the group's), encrypts them with the provider's key and
  // calls the Server Action with the ciphertexts and fincodeKeyFingerprint. The action's rotated-key answer is
  // returned to handleSubmit, which loads the new key, encrypts what the inputs still hold and calls this once
  // more: the user types nothing again. KEY_STALE, or a second rotation, ends the submission with the PINs typed.
  const submit = form.handleSubmit(async (values) => {
    const result = await changePin(formData(values))
    if ('error' in result) return result
    setShown(result)
    if (result.status === 'refused') throw KEEP_TYPED
  })

  // onSubmit and a transition rather than <form action>: React resets a form's inputs once its action settles.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    setShown({ status: 'idle' })
    startTransition(async () => {
      try {
        await submit(event)
      } catch (error) {
        // The action could not be reached (or failed): the PINs stay typed for another try.
        if (error !== KEEP_TYPED) setShown({ status: 'refused', message: 'The PIN could not be changed. Try again.' })
      }
    })
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {/* The ciphertexts go to the action in the FormData built above: no hidden inputs needed. */}
      {/* A refused key is shown once, for the form, not under the current PIN. */}
      <EncryptedInput field={current} label="Current PIN" hiddenInput={false} formatError={(error) => (keyRefusal(error) ? null : error.message)} />
      <EncryptedInput field={next} label="New PIN" hint="4 to 12 digits." hiddenInput={false} />
      <EncryptedInput field={confirmation} label="New PIN again" error={groupMessage} hiddenInput={false} />
      {key.error && <p role="alert">The encryption key could not be loaded. Reload the page.</p>}
      {refusedKey && <p role="alert">{refusedKey.message}</p>}
      {shown.status === 'refused' && <p role="alert">{shown.message}</p>}
      {form.status === 'retrying' && <p role="status">The encryption key was rotated; sending again…</p>}
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
