'use client'
import { useState } from 'react'
import { isFincodeSecureError } from 'fincode-secure'
import { EncryptedInput, FincodeKeyProvider, useEncryptedField, useEncryptedFields, useFincodeKey } from 'fincode-secure/react'

const fourToSixDigits = (pin: string) => (/^\d{4,6}$/.test(pin) ? null : 'Use four to six digits.')

export function ChangePinPage() {
  // Loads the organisation's key from your key endpoint (recipe 3), and again when it is rotated.
  return (
    <FincodeKeyProvider url="/api/fincode-key">
      <ChangePinForm />
    </FincodeKeyProvider>
  )
}

function ChangePinForm() {
  const key = useFincodeKey()
  const [outcome, setOutcome] = useState('')
  // No publicKey: the fields take the provider's key.
  const current = useEncryptedField({ name: 'currentPin', required: true, validate: fourToSixDigits })
  const next = useEncryptedField({ name: 'newPin', required: true, validate: fourToSixDigits })
  const again = useEncryptedField({ name: 'newPinAgain', required: true })
  const form = useEncryptedFields([current, next, again], {
    validate: (pins) => (pins.newPin === pins.newPinAgain ? null : 'The new PINs do not match.'),
  })

  // values: { currentPin, newPin, newPinAgain: '<ciphertext>', fincodeKeyFingerprint: '<hex>' }
  // Your server's 409 after a key rotation (recipe 3): the form loads the new key, encrypts what the inputs
  // still hold and calls this once more, by itself. A stale server key shows at the first field.
  const send = form.handleSubmit(async (values) => {
    const response = await fetch('/api/change-pin', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(values) })
    if (response.status !== 409) setOutcome(response.ok ? 'Your PIN was changed.' : 'Please try again later.')
    return response
  })

  return (
    <form onSubmit={(event) => send(event).catch((error) => setOutcome(isFincodeSecureError(error) ? error.message : 'Please try again.'))}>
      {/* Each shows its own error: "This field is required.", "Use four to six digits.", a key that did not load… */}
      <EncryptedInput field={current} label="Current PIN" />
      <EncryptedInput field={next} label="New PIN" hint="4 to 6 digits." />
      <EncryptedInput field={again} label="New PIN again" error={form.validationMessage} />
      <p role="status">{form.status === 'retrying' ? 'The key was rotated; sending again…' : outcome}</p>
      <button type="submit" disabled={!key.publicKey || form.status === 'encrypting'}>Change PIN</button>
    </form>
  )
}
