import { describe } from '../key.js'
import { FincodeSecureError, type FincodeFormErrorCode, type FincodeSecureErrorCode } from '../errors.js'

/** What the hooks report in `error`: the core's failures plus a missing key or a refused value. */
export type FincodeFormError = FincodeSecureError<FincodeSecureErrorCode | FincodeFormErrorCode>

export const valueInvalid = (message: string): FincodeFormError => new FincodeSecureError<FincodeFormErrorCode>('ERR_VALUE_INVALID', message)

/**
 * Checks at render what an app passed to a hook: a mistake throws at once, naming
 * the option, instead of failing later as a TypeError or silently. `got` shows a
 * string (a name, never a value typed) and only the type of anything else.
 */
export function check(ok: unknown, what: string, got: unknown): void {
  if (!ok) throw new FincodeSecureError('ERR_PAYLOAD_INVALID', `${what}, got ${typeof got == 'string' ? `"${got}"` : describe(got)}`)
}

export const keyMissing = (name: string): FincodeFormError =>
  new FincodeSecureError<FincodeFormErrorCode>('ERR_KEY_MISSING', `publicKey for "${name}" has not loaded yet; submit again once it has.`)

/**
 * Runs an app's validator. Its message ends up in state and often in logs, so one
 * that repeats a value is replaced, and so is the exception of one that throws:
 * its text may hold the value too.
 */
export function vet<T>(validate: ((input: T) => unknown) | undefined, input: T, secrets: string[]): FincodeFormError | null {
  let message: unknown
  try {
    message = validate?.(input)
  } catch {
    message = 1
  }
  return message
    ? valueInvalid(typeof message == 'string' && !secrets.some((s) => s && message.includes(s)) ? message : 'This value is not accepted.')
    : null
}
