import { zodResolver } from '@hookform/resolvers/zod'
import { readKeyRotated } from 'fincode-secure'
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
  const pin = useEncryptedField({ publicKey: key.publicKey, name: 'transactionPin', required: 'Enter your PIN.', validate: fourToTwelveDigits })

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
      // A 409 KEY_ROTATED: the key changed while the form was open; the provider loads the new one.
      // KEY_STALE: the server's own key is out of date, which only its operator can fix.
      const refused = await readKeyRotated(response)
      if (refused?.code === 'ERR_KEY_ROTATED') {
        await key.refresh().catch(() => {}) // a failure shows in key.error
        setResult('The encryption key changed while the form was open. Enter your PIN again and send.')
      } else {
        setResult(refused ? refused.message : response.ok ? 'Sent.' : `Refused (${response.status}).`)
      }
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
      {result && <p role="status">{result}</p>}
      <button type="submit" disabled={key.publicKey === null || pin.status === 'encrypting'}>
        Send
      </button>
    </form>
  )
}
