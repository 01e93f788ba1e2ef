import { zodResolver } from '@hookform/resolvers/zod'
import { useEncryptedField } from 'fincode-secure/react'
import { useState } from 'react'
import { useForm } from 'react-hook-form'
import { z } from 'zod'
import { usePublicKey } from './usePublicKey'

// zod checks the fields react-hook-form holds. The PIN is not one of them: its
// plaintext stays in its input; react-hook-form only ever holds its ciphertext.
const transfer = z.object({
  recipient: z.string().min(1, 'Enter a recipient.'),
  amount: z.string().regex(/^[1-9]\d{0,6}$/, 'Enter an amount in yen.'),
  transactionPin: z.string(),
})
type Transfer = z.infer<typeof transfer>

const fourToTwelveDigits = (value: string) => (/^\d{4,12}$/.test(value) ? null : 'Use 4 to 12 digits.')

export function TransferForm({ keyUrl }: { keyUrl: string }) {
  const { publicKey, failed } = usePublicKey(keyUrl)
  const [result, setResult] = useState<string | null>(null)
  const { register, handleSubmit, setValue, getValues, formState } = useForm<Transfer>({
    resolver: zodResolver(transfer),
    defaultValues: { recipient: '', amount: '', transactionPin: '' },
  })
  const pin = useEncryptedField({ publicKey, name: 'transactionPin', required: 'Enter your PIN.', validate: fourToTwelveDigits })

  // react-hook-form checks its own fields first, so a missing amount does not cost the user their typed PIN;
  // then the PIN is checked, encrypted and cleared, and its ciphertext is registered.
  const onSubmit = handleSubmit(() =>
    pin.handleSubmit(async ({ transactionPin }) => {
      setValue('transactionPin', transactionPin!)
      const response = await fetch('/api/transfer', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(getValues()),
      })
      setResult(response.ok ? 'Sent.' : `Refused (${response.status}).`)
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
      <label>
        PIN <input {...pin.inputProps} />
      </label>
      <input type="hidden" {...register('transactionPin')} />
      {pin.validationMessage && <p role="alert">{pin.validationMessage}</p>}
      {failed && <p role="alert">The encryption key could not be loaded. Reload the page.</p>}
      {result && <p role="status">{result}</p>}
      <button type="submit" disabled={publicKey === null || pin.status === 'encrypting'}>
        Send
      </button>
    </form>
  )
}
