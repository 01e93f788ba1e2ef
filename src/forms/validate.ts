// Validators run on plaintexts, and their messages end up in state, in the page
// and often in logs and error reports. A message that repeats the value (even
// spaced out, or in part) is withheld; a static rule such as "Use 4 to 12
// digits." must still be shown when the value happens to be "12".
import { valueInvalid, type FincodeFormError } from './errors.js'
import type { FormMessages } from './messages.js'

/** The shortest run of the value's characters that counts as repeating it. */
const RUN = 4

/** Spaces and punctuation do not hide a value: "4 8 2 9", "4-8-2-9" and "4829" are the same. */
const IGNORED = /[\s\p{P}]/gu

function comparable(text: string): string[] {
  return Array.from(text.replace(IGNORED, '').toLowerCase())
}

/**
 * True when `message`, spaces and punctuation ignored in both, contains 4 or
 * more consecutive characters of `value`. Values shorter than 4 characters are
 * never matched.
 */
export function repeatsValue(message: string, value: string): boolean {
  const characters = comparable(value)
  const haystack = comparable(message).join('')
  for (let start = 0; start + RUN <= characters.length; start++) {
    if (haystack.includes(characters.slice(start, start + RUN).join(''))) return true
  }
  return false
}

/**
 * Runs an app's validator on `input`. A message is the refusal; a message that
 * repeats one of `plaintexts`, a non-string result or an exception (its text may
 * hold the value) becomes `messages.notAccepted`.
 */
export function runValidator<T>(
  validate: ((input: T) => unknown) | undefined,
  input: T,
  plaintexts: readonly string[],
  messages: FormMessages,
): FincodeFormError | null {
  if (!validate) return null
  let message: unknown
  try {
    message = validate(input)
  } catch {
    return valueInvalid(messages.notAccepted)
  }
  if (message === null || message === undefined || message === '' || message === false) return null
  if (typeof message !== 'string') return valueInvalid(messages.notAccepted)
  if (plaintexts.some((plaintext) => repeatsValue(message, plaintext))) return valueInvalid(messages.notAccepted)
  return valueInvalid(message)
}
