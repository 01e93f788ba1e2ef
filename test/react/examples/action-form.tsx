// Example: a React 19 form action (docs/react.md).
import { useFormStatus } from 'react-dom'
import { useEncryptedField } from '../../../src/react/index.js'
import { errorText } from './error-text.js'

function SubmitButton() {
  const { pending } = useFormStatus() // pending while the PIN is encrypted, then while save() runs
  return (
    <button type="submit" disabled={pending}>
      {pending ? 'Saving…' : 'Save'}
    </button>
  )
}

export function ActionForm({ publicKey, save }: { publicKey: string | null; save: (formData: FormData) => Promise<void> }) {
  const pin = useEncryptedField({ publicKey, name: 'userPin', required: true })
  return (
    <form action={pin.action(save)}>
      <input {...pin.inputProps} />
      {pin.error && <p role="alert">{errorText(pin.error)}</p>}
      <SubmitButton />
    </form>
  )
}
