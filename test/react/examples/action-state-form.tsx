// Example: useActionState with the library wrapping the app's own action (docs/react.md).
import { useActionState } from 'react'
import { useEncryptedField } from '../../../src/react/index.js'
import { errorText } from './error-text.js'

export interface SaveResult {
  saved: boolean
  message: string
}

export function ActionStateForm({ publicKey, save }: { publicKey: string | null; save: (formData: FormData) => Promise<SaveResult> }) {
  const pin = useEncryptedField({ publicKey, name: 'userPin', required: 'Enter your PIN.' })
  // actionState(fn) encrypts, calls fn with the ciphertext in formData, and empties the input once fn resolved.
  const [result, dispatch, isPending] = useActionState(
    pin.actionState(async (_previous: SaveResult, formData: FormData) => save(formData)),
    { saved: false, message: '' },
  )
  return (
    <form action={dispatch}>
      <label>
        PIN <input {...pin.inputProps} />
      </label>
      {pin.error && <p role="alert">{errorText(pin.error)}</p>}
      {result.message && <p role="status">{result.message}</p>}
      <button type="submit" disabled={isPending}>
        {isPending ? 'Saving…' : 'Save'}
      </button>
    </form>
  )
}
