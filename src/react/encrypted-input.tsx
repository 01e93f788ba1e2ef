import { useId, type InputHTMLAttributes, type ReactNode } from 'react'
import type { EncryptedField, FincodeFormError } from './types.js'

/** Attributes the field owns (value, name, type…) are not accepted from the app. */
type ExtraInputAttributes = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'defaultValue' | 'name' | 'type' | 'id' | 'aria-describedby' | 'aria-invalid' | 'aria-required' | 'inputMode' | 'autoComplete'
>

/** The props of `<EncryptedInput>`. */
export interface EncryptedInputComponentProps {
  /** What `useEncryptedField` returned for this input. */
  field: EncryptedField
  /** The label's content, tied to the input by `htmlFor`. */
  label: ReactNode
  /** Shown under the input and tied to it by `aria-describedby`. */
  hint?: ReactNode
  /** The text for the field's error; default `error.message`. Map `error.code` to your own words here. */
  formatError?: (error: FincodeFormError) => ReactNode
  /** An error about this field from elsewhere (a group check, your server); shown instead of the field's own. */
  error?: ReactNode
  /** Renders the hidden ciphertext input too (for native posts); default true. */
  hiddenInput?: boolean
  /** A class name for each element it renders. */
  classNames?: Partial<Record<'root' | 'label' | 'input' | 'hint' | 'error', string>>
  /** Any other attribute for the visible input: `maxLength`, `autoFocus`, `onBlur`, `data-*`… */
  inputProps?: ExtraInputAttributes & { [data: `data-${string}`]: string | undefined }
}

/**
 * An encrypted field with its label, hint and error, tied together by ids:
 * `aria-describedby` names the hint and the error, `aria-invalid` follows the
 * error. The error element is always rendered (empty when there is none), so
 * `aria-describedby` never points at nothing, and it is a live region.
 */
export function EncryptedInput({ field, label, hint, formatError, error, hiddenInput = true, classNames = {}, inputProps }: EncryptedInputComponentProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  let shown: ReactNode = error
  if (shown === undefined || shown === null || shown === false) shown = field.error ? (formatError ? formatError(field.error) : field.error.message) : null
  const invalid = field.error !== null || Boolean(error)
  return (
    <div className={classNames.root}>
      <label htmlFor={`${id}-input`} className={classNames.label}>
        {label}
      </label>
      <input
        {...inputProps}
        {...field.inputProps}
        id={`${id}-input`}
        className={classNames.input}
        aria-invalid={invalid}
        aria-describedby={hint === undefined ? errorId : `${hintId} ${errorId}`}
      />
      {hiddenInput && <input {...field.hiddenInputProps} />}
      {hint !== undefined && (
        <p id={hintId} className={classNames.hint}>
          {hint}
        </p>
      )}
      <p id={errorId} className={classNames.error} aria-live="polite">
        {shown}
      </p>
    </div>
  )
}
