// Example: one encrypted field in a form that posts natively (docs/react.md).
import { useEncryptedField } from '../../../src/react/index.js'
import { errorText } from './error-text.js'

export const fourToSixDigits = (value: string) => (/^\d{4,6}$/.test(value) ? null : 'Use four to six digits.')

export function TransactionPinForm({ publicKey }: { publicKey: string | null }) {
  const pin = useEncryptedField({ publicKey, name: 'transactionPin', required: 'Enter your PIN.', validate: fourToSixDigits })
  return (
    <form onSubmit={pin.onSubmit} method="post" action="/transactions">
      <input name="amount" defaultValue="1200" />
      <label>
        PIN <input {...pin.inputProps} />
      </label>
      <input {...pin.hiddenInputProps} />
      {pin.error && <p role="alert">{errorText(pin.error)}</p>}
      <button type="submit" disabled={pin.status === 'encrypting'}>
        Pay
      </button>
    </form>
  )
}
