'use client'
import { useState } from 'react'
import { isFincodeSecureError, readKeyRotated } from 'fincode-secure'
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
  const current = useEncryptedField({ publicKey: key.publicKey, name: 'currentPin', required: true, validate: fourToSixDigits })
  const next = useEncryptedField({ publicKey: key.publicKey, name: 'newPin', required: true, validate: fourToSixDigits })
  const again = useEncryptedField({ publicKey: key.publicKey, name: 'newPinAgain', required: true })
  const form = useEncryptedFields([current, next, again], {
    validate: (pins) => (pins.newPin === pins.newPinAgain ? null : 'The new PINs do not match.'),
  })

  // values: { currentPin, newPin, newPinAgain: '<ciphertext>', fincodeKeyFingerprint: '<hex>' }
  const send = form.handleSubmit(async (values) => {
    const response = await fetch('/api/change-pin', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(values) })
    const refused = await readKeyRotated(response) // your server's 409 after a key rotation (recipe 3), or null
    if (refused?.code === 'ERR_KEY_ROTATED') await key.refresh() // the fields encrypt what they hold with the new key
    if (refused) throw refused // a thrown error empties nothing: the PINs stay typed for the next click
    setOutcome(response.ok ? 'Your PIN was changed.' : 'Please try again later.')
  })

  return (
    <form onSubmit={(event) => send(event).catch((error) => setOutcome(isFincodeSecureError(error) ? error.message : 'Please try again.'))}>
      {/* Each shows its own error: "This field is required.", "Use four to six digits.", a key that did not load… */}
      <EncryptedInput field={current} label="Current PIN" />
      <EncryptedInput field={next} label="New PIN" hint="4 to 6 digits." />
      <EncryptedInput field={again} label="New PIN again" error={form.validationMessage} />
      <p role="status">{key.error?.message ?? outcome}</p>
      <button type="submit" disabled={!key.publicKey || form.status === 'encrypting'}>Change PIN</button>
    </form>
  )
}
