/**
 * The texts the forms show for their own refusals. Pass `messages` to replace
 * any of them, for instance with another language; every other error is the
 * core's `FincodeSecureError`, whose `code` an app maps to its own text.
 */
export interface FormMessages {
  /** An empty field whose `required` is `true` (a string `required` is its own message). */
  required: string
  /** Shown instead of a `validate()` message that repeats the value, and when a validator throws. */
  notAccepted: string
  /** Submitted while the key is still loading (`ERR_KEY_MISSING`). */
  keyMissing: string
}

export const DEFAULT_MESSAGES: FormMessages = {
  required: 'This field is required.',
  notAccepted: 'This value is not accepted.',
  keyMissing: 'The encryption key has not loaded yet; submit again in a moment.',
}

export function withDefaults(messages: Partial<FormMessages> | undefined): FormMessages {
  return { ...DEFAULT_MESSAGES, ...messages }
}
