// The non-React half of useEncryptedField: a field's state, and the DOM inputs it
// owns. The plaintext is read from the visible input when it is needed and kept
// only in local variables of a running encryption: a Field lives in React state,
// which must never hold a PIN.
import { importPublicKey } from '../key.js'
import type { FincodeFormError } from './errors.js'
import { prepare, submitHandlers } from './submit.js'
import type { EncryptedField, EncryptedSubmit, UseEncryptedFieldOptions, UseEncryptedFieldsOptions } from './types.js'

/** useEncryptedFields' state, shared with its fields: any submit path that reaches one of them runs its check. */
export interface Group {
  fields: Field[]
  validate?: UseEncryptedFieldsOptions['validate']
  error?: FincodeFormError | null
  setError(error?: FincodeFormError | null): void
  api: EncryptedSubmit & { encrypt(): Promise<Record<string, string>> }
}

export interface Field {
  options: UseEncryptedFieldOptions
  /** The visible input, while it is rendered. */
  input?: HTMLInputElement | null
  hidden?: HTMLInputElement | null
  group?: Group
  /** Mounted: a field unmounted while it encrypts submits nothing. */
  live?: boolean
  /** Bumped by every change of publicKey or scheme: a result made with an older key is never used. */
  gen: number
  /** The current value's ciphertext with the current key, or ''. Dropped by every edit and key change. */
  ciphertext: string
  /** The last failure: required, validate, missing or bad key, encryption. Cleared by the next keystroke. */
  error?: FincodeFormError | null
  /** An encryption of the current value is running. */
  busy?: boolean
  fingerprint: string | null
  render(): void
  inputRef(input: HTMLInputElement | null): (() => void) | undefined
  hiddenRef(hidden: HTMLInputElement | null): void
  api: EncryptedSubmit & Pick<EncryptedField, 'encrypt'>
}

/** Fields whose visible input is rendered: a submit handler finds the other encrypted fields of its form here. */
export const liveFields = new Set<Field>()

/** The controller behind a field, by its `encrypt` (stable for the field's life): for useEncryptedFields. */
export const controllers = new WeakMap<object, Field>()

export const valueOf = (f: Field) => f.input?.value ?? ''

/** Shows `ciphertext` (the hidden input gets it at once, for a requestSubmit() in this tick), `error` and `busy`; returns `error`. */
export function put<E extends FincodeFormError | null | undefined>(f: Field, ciphertext: string, error?: E, busy?: boolean): E {
  f.ciphertext = ciphertext
  f.error = error
  f.busy = busy
  if (f.hidden) f.hidden.value = ciphertext
  f.render()
  return error!
}

/** Empties the input; forgets ciphertext and error. */
export function reset(f: Field): void {
  if (f.input) f.input.value = ''
  put(f, '')
}

export function createField(render: () => void): Field {
  /** An edit makes the ciphertext and any error stale. Renders once, not per keystroke. */
  const edited = () => {
    f.group?.setError()
    if (f.ciphertext || f.error || f.busy) put(f, '')
  }
  const encrypt = () => prepare([f], true).then((values) => values[f.options.name]!)
  // `options` is set by configure(), before any event can use it.
  const f = {
    gen: 0,
    ciphertext: '',
    fingerprint: null,
    render,
    inputRef(input) {
      if (!input) return
      f.input = input
      input.removeAttribute('name') // the visible input is never part of a submission
      liveFields.add(f)
      const listening = new AbortController()
      const options = { signal: listening.signal }
      input.addEventListener('input', edited, options)
      // A form reset (a reset button, or React's after an action) empties the input: its ciphertext goes.
      // An error stays until the next keystroke: React resets the form after an action that was refused, too.
      input.ownerDocument.addEventListener('reset', (event) => event.target == input.form && put(f, '', f.error), options)
      return () => {
        listening.abort()
        liveFields.delete(f)
        f.input = null
      }
    },
    hiddenRef: (hidden) => void (f.hidden = hidden),
    api: { ...submitHandlers(() => [f], () => reset(f)), encrypt },
  } as Field
  controllers.set(encrypt, f)
  return f
}

/**
 * After every render, in a layout effect: before any event can submit. After a
 * rotation the old key is invalid at once: its ciphertext is dropped now, and a
 * value that had been encrypted is encrypted again with the new key.
 */
export function configure(f: Field, options: UseEncryptedFieldOptions): () => void {
  const { publicKey, scheme } = f.options ?? {}
  f.options = options
  f.live = true
  if (options.publicKey !== publicKey || options.scheme !== scheme) {
    const gen = ++f.gen
    const had = f.ciphertext
    f.fingerprint = null
    put(f, '')
    if (options.publicKey != null) {
      importPublicKey(options.publicKey).then(
        (key) => gen == f.gen && ((f.fingerprint = key.fingerprint), f.render()),
        (error) => gen == f.gen && put(f, '', error), // a bad key shows before any submit
      )
      if (had && valueOf(f)) f.api.encrypt().catch(() => {}) // its error is in status/error
    }
  }
  return () => (f.live = false)
}
