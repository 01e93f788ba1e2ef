// Example: react-hook-form + zod (docs/react.md). The PIN's rule is a zod schema,
// written once and applied to the plaintext by the hook's `validate`; react-hook-form
// only ever holds the ciphertext, so its schema for transactionPin is just a string.
import { useForm } from 'react-hook-form'
import { z } from 'zod'
import { EncryptedInput, useEncryptedField } from '../../../src/react/index.js'
import { errorText } from './error-text.js'

/** A zod schema as a validator: the first issue's message, or null when the value passes. */
export const messageOf = (schema: z.ZodType<string>) => (value: string) => {
  const result = schema.safeParse(value)
  return result.success ? null : result.error.issues[0]!.message
}

export const pinRule = z.string().regex(/^\d{4,6}$/, 'Use 4 to 6 digits.')
const amountRule = z.string().regex(/^[1-9]\d*$/, 'Enter an amount in yen.')

export interface Transfer {
  amount: string
  transactionPin: string // the ciphertext
}

export function ZodTransfer({ publicKey, onValid }: { publicKey: string | null; onValid: (data: Transfer) => unknown }) {
  const { register, handleSubmit, setValue, getValues, formState } = useForm<Transfer>({ defaultValues: { amount: '', transactionPin: '' } })
  const pin = useEncryptedField({ publicKey, name: 'transactionPin', required: 'Enter your PIN.', validate: messageOf(pinRule) })
  // The PIN is checked as the form is submitted, before react-hook-form runs: both errors show after one submit.
  const onSubmit = handleSubmit(() =>
    pin.handleSubmit(async ({ transactionPin }) => {
      setValue('transactionPin', transactionPin!)
      await onValid(getValues())
    })(),
  )
  return (
    <form onSubmit={onSubmit}>
      <label>
        Amount <input {...register('amount', { validate: (value) => messageOf(amountRule)(value) ?? true })} />
      </label>
      {formState.errors.amount && <p role="alert">{formState.errors.amount.message}</p>}
      <EncryptedInput field={pin} label="PIN" hint="4 to 6 digits." formatError={errorText} hiddenInput={false} />
      <input type="hidden" {...register('transactionPin')} />
      <button type="submit">Send</button>
    </form>
  )
}
