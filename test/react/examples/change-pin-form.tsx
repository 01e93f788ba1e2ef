// Example: three encrypted fields, one submit handler, and a check across them (docs/react.md).
import { useEncryptedField, useEncryptedFields, type EncryptedValues } from '../../../src/react/index.js'
import { errorText } from './error-text.js'
import { fourToSixDigits } from './transaction-pin-form.js'

export function ChangePinForm({ publicKey, onSave }: { publicKey: string | null; onSave: (body: EncryptedValues) => unknown }) {
  const current = useEncryptedField({ publicKey, name: 'currentPin', required: true, validate: fourToSixDigits })
  const next = useEncryptedField({ publicKey, name: 'newPin', required: true, validate: fourToSixDigits })
  const confirm = useEncryptedField({ publicKey, name: 'newPinConfirmation', required: true })
  const form = useEncryptedFields([current, next, confirm], {
    // Plaintexts are compared here, right before encryption; ciphertexts cannot be (OAEP is randomised).
    validate: (pins) => (pins.newPin === pins.newPinConfirmation ? null : 'The new PINs do not match.'),
  })
  return (
    <form onSubmit={form.handleSubmit((ciphertexts) => onSave(ciphertexts))}>
      <label>
        Current PIN <input {...current.inputProps} />
      </label>
      <label>
        New PIN <input {...next.inputProps} />
      </label>
      <label>
        Confirm new PIN <input {...confirm.inputProps} />
      </label>
      {form.error && <p role="alert">{errorText(form.error)}</p>}
      <button type="submit" disabled={form.status === 'encrypting'}>
        Change PIN
      </button>
    </form>
  )
}
