import { zodResolver } from '@hookform/resolvers/zod'
import { EncryptedInput, useEncryptedField, useFincodeKey } from 'fincode-secure/react'
import { useState } from 'react'
import { useForm } from 'react-hook-form'
import { z } from 'zod'

// zod checks the fields react-hook-form holds. The PIN is not one of them: its
// plaintext stays in its input; react-hook-form only ever holds its ciphertext,
// and the fingerprint of the key it was encrypted with (plain strings here: they
// are set only after react-hook-form's checks passed).
const transfer = z.object({
  recipient: z.string().min(1, 'Enter a recipient.'),
  amount: z.string().regex(/^[1-9]\d{0,6}$/, 'Enter an amount in yen.'),
  transactionPin: z.string(),
  fincodeKeyFingerprint: z.string(),
})
type Transfer = z.infer<typeof transfer>

const fourToTwelveDigits = (value: string) => (/^\d{4,12}$/.test(value) ? null : 'Use 4 to 12 digits.')

export function TransferForm() {
  const key = useFincodeKey()
  const [result, setResult] = useState<string | null>(null)
  const { register, handleSubmit, setValue, getValues, formState } = useForm<Transfer>({
    resolver: zodResolver(transfer),
    defaultValues: { recipient: '', amount: '', transactionPin: '', fincodeKeyFingerprint: '' },
  })
  // No publicKey: the PIN is encrypted with <FincodeKeyProvider>'s key, which a rotated-key answer refreshes.
  const pin = useEncryptedField({ name: 'transactionPin', required: 'Enter your PIN.', validate: fourToTwelveDigits })

  // The PIN's own checks run as the form is submitted, next to react-hook-form's: every error shows after one
  // submit. Once react-hook-form's fields pass, the PIN is encrypted, its ciphertext and the key's fingerprint
  // are registered, and the PIN's input is emptied once the request is answered.
  const onSubmit = handleSubmit(() =>
    pin.handleSubmit(async ({ transactionPin, fincodeKeyFingerprint }) => {
      setValue('transactionPin', transactionPin!)
      setValue('fincodeKeyFingerprint', fincodeKeyFingerprint!)
      const response = await fetch('/api/transfer', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(getValues()),
      })
      setResult(response.ok ? 'Sent.' : response.status === 409 ? null : `Refused (${response.status}).`)
      // Returned, so that pin.handleSubmit reads a 409 KEY_ROTATED (the key changed while the form was open):
      // it loads the new key, encrypts the PIN the input still holds and calls this once more. KEY_STALE (the
      // server's own key is out of date, which only its operator can fix) shows under the PIN, still typed.
      return response
    })(),
  )

  return (
    <form onSubmit={onSubmit} noValidate>
      <label>
        Recipient <input {...register('recipient')} />
      </label>
      {formState.errors.recipient && <p role="alert">{formState.errors.recipient.message}</p>}
      <label>
        Amount <input {...register('amount')} inputMode="numeric" />
      </label>
      {formState.errors.amount && <p role="alert">{formState.errors.amount.message}</p>}
      <EncryptedInput field={pin} label="PIN" hint="4 to 12 digits." hiddenInput={false} />
      <input type="hidden" {...register('transactionPin')} />
      <input type="hidden" {...register('fincodeKeyFingerprint')} />
      {key.error && <p role="alert">The encryption key could not be loaded. Reload the page.</p>}
      {pin.status === 'retrying' && <p role="status">The encryption key was rotated; sending again…</p>}
      {result && <p role="status">{result}</p>}
      <button type="submit" disabled={key.publicKey === null || pin.status === 'encrypting' || pin.status === 'retrying'}>
        Send
      </button>
    </form>
  )
}
