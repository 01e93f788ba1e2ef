// Example: react-hook-form. It keeps every registered value in plain objects,
// so it is given the ciphertext, never the PIN (docs/react.md).
import { useForm } from 'react-hook-form'
import { useEncryptedField } from '../../../src/react/index.js'
import { errorText } from './error-text.js'

export interface TransferForm {
  amount: string
  transactionPin: string // the ciphertext
}

export function HookFormTransfer({ publicKey, onValid }: { publicKey: string | null; onValid: (data: TransferForm) => unknown }) {
  const { register, handleSubmit, setValue, getValues, formState } = useForm<TransferForm>({ defaultValues: { amount: '', transactionPin: '' } })
  const pin = useEncryptedField({ publicKey, name: 'transactionPin', required: 'Enter your PIN.' })
  // react-hook-form checks its own fields first, so a missing amount does not cost the user their typed PIN;
  // then the PIN is checked, encrypted and cleared, and its ciphertext is registered.
  const onSubmit = handleSubmit(() =>
    pin.handleSubmit(async ({ transactionPin }) => {
      setValue('transactionPin', transactionPin!)
      await onValid(getValues())
    })(),
  )
  return (
    <form onSubmit={onSubmit}>
      <input {...register('amount', { required: 'Enter an amount.' })} />
      {formState.errors.amount && <p role="alert">{formState.errors.amount.message}</p>}
      <input {...pin.inputProps} />
      <input type="hidden" {...register('transactionPin')} />
      {pin.error && <p role="alert">{errorText(pin.error)}</p>}
      <button type="submit">Send</button>
    </form>
  )
}
