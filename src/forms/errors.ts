import { FincodeSecureError, type FincodeFormErrorCode, type FincodeSecureErrorCode } from '../errors.js'
import { describe } from '../key.js'

/**
 * What a form field reports in `error`: the core's failures, a key not loaded yet, a refused value, or a
 * submission the server refused for its key after the one retry (`ERR_KEY_ROTATED`, `ERR_KEY_STALE`).
 */
export type FincodeFormError = FincodeSecureError<FincodeSecureErrorCode | FincodeFormErrorCode | 'ERR_KEY_ROTATED' | 'ERR_KEY_STALE'>

export function valueInvalid(message: string): FincodeFormError {
  return new FincodeSecureError<FincodeFormErrorCode>('ERR_VALUE_INVALID', message)
}

export function keyMissing(message: string): FincodeFormError {
  return new FincodeSecureError<FincodeFormErrorCode>('ERR_KEY_MISSING', message)
}

/**
 * Refuses a mistake in what an app passed (an option, a form), at once and
 * naming it, instead of failing later as a TypeError or silently. `got` shows a
 * string as it is (a name, never a typed value) and only the type of anything else.
 */
export function checkOption(ok: boolean, where: string, option: string, expected: string, got: unknown): void {
  if (ok) return
  const shown = typeof got === 'string' ? `"${got}"` : describe(got)
  throw new FincodeSecureError('ERR_PAYLOAD_INVALID', `${where}: ${option} must be ${expected}, got ${shown}`)
}
