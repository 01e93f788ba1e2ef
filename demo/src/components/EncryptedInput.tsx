import type { EncryptedField } from 'fincode-secure/react'
import { useId } from 'react'

/**
 * One encrypted field with its label, hint and error. The error paragraph is
 * always rendered (empty when fine) so aria-describedby never points at nothing.
 */
export function EncryptedInput(props: {
  field: EncryptedField
  label: string
  hint: string
  /** An error about this field that comes from elsewhere (the group check, the server). */
  extraError?: string | null
  inputMode?: 'numeric' | 'text'
  maxLength?: number
  autoFocus?: boolean
}) {
  const { field } = props
  const id = useId()
  const error = props.extraError ?? field.validationMessage ?? (field.error && field.error.code !== 'ERR_VALUE_INVALID' ? `${field.error.code}: ${field.error.message}` : null)
  return (
    <div className="field">
      <label htmlFor={`${id}-input`} className="label">
        {props.label}
      </label>
      <input
        {...field.inputProps}
        id={`${id}-input`}
        className="input"
        inputMode={props.inputMode ?? field.inputProps.inputMode}
        maxLength={props.maxLength}
        autoFocus={props.autoFocus}
        aria-invalid={Boolean(error) || field.inputProps['aria-invalid']}
        aria-describedby={`${id}-hint ${id}-error`}
        data-field={field.name}
        // Encrypt as soon as the field is left, so the hidden input shows a ciphertext
        // (and a key rotation visibly re-encrypts it). The value is read, not kept.
        onBlur={(event) => {
          if (event.currentTarget.value !== '') field.encrypt().catch(() => undefined)
        }}
      />
      <input {...field.hiddenInputProps} />
      <p id={`${id}-hint`} className="hint">
        {props.hint} <span className="enc-state">{describeStatus(field)}</span>
      </p>
      <p id={`${id}-error`} className="field-error">
        {error}
      </p>
    </div>
  )
}

function describeStatus(field: EncryptedField): string {
  switch (field.status) {
    case 'encrypting':
      return 'Encrypting…'
    case 'ready':
      return field.ciphertext ? `Encrypted with key ${field.fingerprint?.slice(0, 12) ?? ''}…` : 'Encrypted in this browser when you submit.'
    default:
      return 'Encrypted in this browser when you submit.'
  }
}
