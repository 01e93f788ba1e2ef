import { useContext, useSyncExternalStore } from 'react'
import { FieldController } from '../forms/field.js'
import { guardForm } from '../forms/form-guard.js'
import { encryptFields } from '../forms/submit.js'
import type { FincodeKeySnapshot, FincodeKeySource } from '../page/key-source.js'
import { FincodeKeyContext } from './key-context.js'
import { checkFieldOptions } from './option-checks.js'
import { submitHandlers } from './submit-handlers.js'
import type { EncryptedField, EncryptedInputProps, EncryptedSubmit, UseEncryptedFieldOptions } from './types.js'
import { summary, useController } from './use-controller.js'

/** What a field's hook keeps for its life: the controller and the functions it hands out (stable identities). */
interface FieldBinding {
  field: FieldController
  inputRef: EncryptedInputProps['ref']
  hiddenRef: (hidden: HTMLInputElement | null) => void
  encrypt: () => Promise<string>
  handlers: EncryptedSubmit
}

/** The controller behind each field, by its `encrypt` function (stable for the field's life): for useEncryptedFields. */
export const fieldsByEncrypt = new WeakMap<object, FieldController>()

function createBinding(render: () => void): FieldBinding {
  const field = new FieldController(render)
  const encrypt = () => encryptFields([field], false).then((values) => values[field.options.name]!)
  fieldsByEncrypt.set(encrypt, field)
  return {
    field,
    inputRef(input) {
      if (!input) return
      field.attach(input)
      if (input.form) guardForm(input.form)
      return () => field.detach()
    },
    hiddenRef(hidden) {
      field.hidden = hidden
    },
    encrypt,
    handlers: submitHandlers(
      () => [field],
      () => field.clear(),
    ),
  }
}

const noSubscription = () => () => {}
const noSnapshot = () => undefined

/** The provider's key snapshot, or undefined outside a provider. Hooks are called unconditionally either way. */
function useProviderKey(): [FincodeKeySnapshot | undefined, FincodeKeySource | null] {
  const source = useContext(FincodeKeyContext)
  const getSnapshot = source?.getSnapshot ?? noSnapshot
  return [useSyncExternalStore(source?.subscribe ?? noSubscription, getSnapshot, getSnapshot), source]
}

/**
 * An encrypted form field. The plaintext lives only in the visible, nameless,
 * uncontrolled input; React state holds the status and the ciphertext. Typing
 * renders nothing (once at most, to clear an old ciphertext or error).
 *
 * @example
 * ```tsx
 * const pin = useEncryptedField({ publicKey, name: 'transactionPin', required: 'Enter your PIN.' })
 * return (
 *   <form onSubmit={pin.handleSubmit((ciphertexts) => save(ciphertexts))}>
 *     <input {...pin.inputProps} />
 *     {pin.validationMessage && <p role="alert">{pin.validationMessage}</p>}
 *     <button type="submit" disabled={pin.status === 'encrypting'}>Pay</button>
 *   </form>
 * )
 * ```
 */
export function useEncryptedField(options: UseEncryptedFieldOptions): EncryptedField {
  checkFieldOptions(options)
  const [snapshot, source] = useProviderKey()
  const given = options.publicKey
  const publicKey = given === undefined ? snapshot?.publicKey : given
  // The provider's key is refreshed after a rotated-key answer; a key given as text cannot be.
  const fromProvider = publicKey !== null && publicKey === snapshot?.publicKey
  const binding = useController(createBinding, ({ field }) => {
    field.configure({ ...options, publicKey, keySource: fromProvider ? source : null, keyError: publicKey ? null : snapshot?.error })
    return () => {
      field.live = false
    }
  })
  const { field } = binding
  const state = summary(field.error, field.encrypting, field.ciphertext !== '', field.retrying)
  return {
    name: options.name,
    inputProps: {
      ref: binding.inputRef,
      type: 'password',
      inputMode: options.inputMode ?? 'numeric',
      autoComplete: options.autoComplete ?? 'off',
      'aria-invalid': state.error !== null,
      'aria-required': Boolean(options.required),
    },
    hiddenInputProps: { ref: binding.hiddenRef, type: 'hidden', name: options.name, value: field.ciphertext },
    ...state,
    fingerprint: field.fingerprint,
    ciphertext: field.ciphertext,
    encrypt: binding.encrypt,
    ...binding.handlers,
  }
}
