import { check } from './errors.js'
import { configure, createField } from './field-controller.js'
import type { EncryptedField, UseEncryptedFieldOptions } from './types.js'
import { summary, useController } from './use-controller.js'

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
  const { name, validate, required } = options
  check(name && typeof name == 'string', 'useEncryptedField: options.name must be a non-empty string', name)
  check(typeof (validate ?? check) == 'function', 'useEncryptedField: options.validate must be a function', validate)
  check(/^[bs]/.test(typeof (required ?? !0)), 'useEncryptedField: options.required must be true, false or the message to show', required)
  const f = useController(createField, (f) => configure(f, options))
  const { ciphertext } = f
  const state = summary(f.error, f.busy, !!ciphertext)
  return {
    name,
    inputProps: { ref: f.inputRef, type: 'password', inputMode: 'numeric', autoComplete: 'off', 'aria-invalid': !!state.validationMessage, 'aria-required': !!required },
    hiddenInputProps: { ref: f.hiddenRef, type: 'hidden', name, value: ciphertext },
    ...state,
    fingerprint: f.fingerprint,
    ciphertext,
    ...f.api,
  }
}
