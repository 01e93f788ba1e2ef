import { EncryptedInput, type EncryptedField, type FincodeFormError } from 'fincode-secure/react'

/**
 * The library's <EncryptedInput> with the demo's classes, the field's key status
 * in the hint, and the error code shown next to the message (this demo shows the
 * library's codes on purpose; an app would map them to its own words).
 */
export function DemoEncryptedInput(props: { field: EncryptedField; label: string; hint: string; error?: string | null; maxLength?: number }) {
  const { field } = props
  return (
    <EncryptedInput
      field={field}
      label={props.label}
      hint={
        <>
          {props.hint} <span className="enc-state">{describeStatus(field)}</span>
        </>
      }
      error={props.error}
      formatError={codeAndMessage}
      classNames={{ root: 'field', label: 'label', input: 'input', hint: 'hint', error: 'field-error' }}
      inputProps={{
        maxLength: props.maxLength,
        'data-field': field.name,
        // Encrypt as soon as the field is left, so the hidden input shows a ciphertext
        // (and a key rotation visibly re-encrypts it). The value is read, not kept.
        onBlur: (event) => {
          if (event.currentTarget.value !== '') field.encrypt().catch(() => undefined)
        },
      }}
    />
  )
}

const codeAndMessage = (error: FincodeFormError) => (error.code === 'ERR_VALUE_INVALID' ? error.message : `${error.code}: ${error.message}`)

function describeStatus(field: EncryptedField): string {
  if (field.status === 'encrypting') return 'Encrypting…'
  if (field.status === 'retrying') return 'The key was rotated: encrypting again…'
  if (field.status === 'ready' && field.ciphertext) return `Encrypted with key ${field.fingerprint?.slice(0, 12) ?? ''}…`
  return 'Encrypted in this browser when you submit.'
}
