import type { FormEvent, RefCallback } from 'react'
import type { PublicKeyInput } from '../key.js'
import type { KeyRetry } from '../page/recover.js'
import type { EncryptionScheme } from '../scheme.js'
import type { FincodeFormError } from '../forms/errors.js'
import type { FormMessages } from '../forms/messages.js'
import type { EncryptedValues } from '../forms/submit.js'

export type { EncryptedValues, FincodeFormError, FormMessages, KeyRetry }

/**
 * - `idle`: nothing encrypted yet, or the value changed since.
 * - `encrypting`: WebCrypto is working on the current value.
 * - `ready`: `ciphertext` (and the hidden input) hold the current value, encrypted with the current key.
 * - `retrying`: the server refused the key as rotated; the value is being encrypted with the new key and sent once more.
 * - `error`: see `error`; nothing is submitted.
 */
export type EncryptedFieldStatus = 'idle' | 'encrypting' | 'ready' | 'retrying' | 'error'

/** Options of `useEncryptedField`; `name` and the types of the others are checked at render (`ERR_PAYLOAD_INVALID`). */
export interface UseEncryptedFieldOptions {
  /**
   * Key text (Base64 SPKI or PEM) or a `FincodePublicKey`; keep its identity stable across renders. Absent or
   * `undefined`: the key of the nearest `<FincodeKeyProvider>` (none yet without one). `null`: still loading
   * (`ERR_KEY_MISSING` on submit). With the provider's key, a submission refused for a rotated key recovers by itself.
   */
  publicKey?: PublicKeyInput | null | undefined
  /** Form field name the ciphertext is submitted under (the hidden input's `name`, the `FormData` entry, the `handleSubmit` key). */
  name: string
  /**
   * Runs on the plaintext right before it is encrypted (not on each keystroke). Return a message to refuse it, `null` to accept.
   * A message that repeats 4 or more consecutive characters of the value (spaces and punctuation ignored) is replaced by
   * `messages.notAccepted`, and so is a validator's exception: messages end up in state, logs and error reports.
   */
  validate?: (value: string) => string | null | undefined
  /** An empty field is refused (`true`, or the message to show). Otherwise an empty field is submitted as `''`, not encrypted. */
  required?: boolean | string
  /** Padding variant passed to `encryptPayload`; default RSA-OAEP SHA-256 / MGF1-SHA-256. Keep its identity stable. */
  scheme?: EncryptionScheme
  /** The visible input's `inputMode`: `'numeric'` (the default) for PINs, `'text'` for passwords and answers. */
  inputMode?: 'numeric' | 'text'
  /** The visible input's `autoComplete`; default `'off'`. E.g. `'current-password'` for a password. */
  autoComplete?: string
  /** Replaces the library's own messages (required, not accepted, key not loaded), e.g. with another language. */
  messages?: Partial<FormMessages>
  /**
   * Called when a submission refused for a rotated key is sent again with the new key (the field's status is
   * `'retrying'` until it ends): the refused and the new key's fingerprints, e.g. to log them.
   */
  onKeyRetry?: (retry: KeyRetry) => void
}

/** Spread onto the visible `<input>`. Uncontrolled and nameless: the plaintext stays in the DOM and out of every `FormData`. */
export interface EncryptedInputProps {
  /** Attaches the hook to the input, which it reads from and empties. */
  ref: RefCallback<HTMLInputElement>
  /** Masked, like any PIN or password field. */
  type: 'password'
  /** `'numeric'` (a numeric keyboard on phones) for PINs, `'text'` for passwords and answers; set per field. */
  inputMode: 'numeric' | 'text'
  /** `'off'` by default: the browser neither fills in nor remembers the value; set per field. */
  autoComplete: string
  /** `true` while the field shows an error. */
  'aria-invalid': boolean
  /** `true` when the `required` option is set. */
  'aria-required': boolean
}

/** Spread onto an `<input>` that carries the ciphertext for forms that post natively. */
export interface EncryptedHiddenInputProps {
  /** Attaches the hook to the hidden input, which it fills with the ciphertext before a native post. */
  ref: RefCallback<HTMLInputElement>
  /** Not shown. */
  type: 'hidden'
  /** The field's `name` option: the ciphertext is posted under it. */
  name: string
  /** The ciphertext, or `''` when there is none (yet). */
  value: string
}

/** What the encrypted fields of a form share: one way to submit them all. */
export interface EncryptedSubmit {
  /**
   * For `<form onSubmit>`. Holds a native submission until every encrypted field of the form has a fresh
   * ciphertext in its hidden input, then submits the form again with `requestSubmit()` and empties the visible inputs.
   * Give a form either `onSubmit` or `action`, not both.
   */
  onSubmit: (event: FormEvent<HTMLFormElement>) => void
  /**
   * Wraps a submit handler: prevents the native submission, encrypts, calls `fn` with the ciphertexts (and
   * `fincodeKeyFingerprint`), and empties the visible inputs once `fn` resolved. If `fn` throws, nothing is emptied.
   * With the provider's key: if `fn` returns the rotated-key answer (a 409 `Response` with `KEY_ROTATED`, or the
   * object a Server Action returns) or throws `ERR_KEY_ROTATED`, the key is refreshed, the inputs encrypted again
   * and `fn` called once more. A `publicKey` given as text is fixed: no retry.
   */
  handleSubmit: (fn: (values: EncryptedValues, event?: FormEvent<HTMLFormElement>) => unknown) => (event?: FormEvent<HTMLFormElement>) => Promise<void>
  /**
   * Wraps a React 19 form action, or the `dispatch` of `useActionState`: `fn` gets the `FormData` with each field's
   * ciphertext under its `name`, and is called inside a transition. `useFormStatus` stays pending while it encrypts.
   * The library cannot see when a `dispatch`'s action ends: use `actionState` to empty the inputs after it, and to
   * recover from a rotated key (a `dispatch` returns nothing the library could read the rotated-key answer from).
   */
  action: (fn: (formData: FormData) => unknown) => (formData: FormData) => Promise<void>
  /**
   * Wraps the app's own action for `useActionState(pin.actionState(save), initialState)`: encrypts, calls
   * `save(previousState, formData)` with the ciphertexts in `formData`, empties the visible inputs once it resolved,
   * and returns its state. A submission refused after React started the action returns the previous state.
   * With the provider's key, if `save` returns the rotated-key answer, it is called once more with the values
   * encrypted with the new key.
   */
  actionState: <State>(fn: (previous: State, formData: FormData) => State | Promise<State>) => (previous: State, formData: FormData) => Promise<State>
  /** Empties the visible inputs and forgets ciphertexts and errors. */
  reset: () => void
}

/**
 * What `useEncryptedField` returns: props for the visible and the hidden input, the submit wrappers, and the field's
 * state. It never holds the plaintext.
 */
export interface EncryptedField extends EncryptedSubmit {
  /** The `name` option, for convenience. */
  readonly name: string
  /** Spread onto the visible input: `<input {...field.inputProps} />`. Don't add `required` or `pattern` to it: use the options. */
  readonly inputProps: EncryptedInputProps
  /** Spread onto a hidden input for forms that post natively: `<input {...field.hiddenInputProps} />`. */
  readonly hiddenInputProps: EncryptedHiddenInputProps
  /** Encrypts the input's value as it is at the time of the call (after `required` and `validate`); rejects with the error. */
  encrypt: () => Promise<string>
  /** Where the field is: see `EncryptedFieldStatus`. */
  readonly status: EncryptedFieldStatus
  /** Why `status` is `'error'`. Never contains the value. The next keystroke clears it (a bad key is reported again on the next submit). */
  readonly error: FincodeFormError | null
  /** The `validate()`/`required` message when that is the error (`error.code === 'ERR_VALUE_INVALID'`), else `null`. */
  readonly validationMessage: string | null
  /** SHA-256 fingerprint (lowercase hex) of the key in use, once it is imported. */
  readonly fingerprint: string | null
  /** The current ciphertext, `''` when there is none. */
  readonly ciphertext: string
}

/** Options of `useEncryptedFields`. */
export interface UseEncryptedFieldsOptions {
  /**
   * Checks the fields together right before they are encrypted, e.g. that a new PIN and its confirmation match.
   * Gets the plaintexts by field name (of every encrypted field submitted with the group's); keep nothing from it.
   * Return a message to refuse, `null` to accept.
   */
  validate?: (values: Readonly<Record<string, string>>) => string | null | undefined
}

/**
 * What `useEncryptedFields` returns: the submit wrappers for the group, `encrypt()` for all its fields, and one
 * aggregated state.
 */
export interface EncryptedFields extends EncryptedSubmit {
  /** `'error'` if the group or any field failed; `'encrypting'` while any encrypts; `'ready'` when all are. */
  readonly status: EncryptedFieldStatus
  /** The group's own error (its `validate`) or else the first field's error. */
  readonly error: FincodeFormError | null
  /** The group's `validate` message, or else the first field's `validate`/`required` message; `null` when the error is of another kind. */
  readonly validationMessage: string | null
  /** Encrypts every field (after the fields' and the group's checks); resolves to the ciphertexts by name. */
  encrypt: () => Promise<EncryptedValues>
}
