// Type test, checked by `npm run typecheck` (tsc --strict over test/) and by
// error-codes.test.ts: one switch over the library's codes compiles after
// isFincodeSecureError, and each entry's own union can be switched over
// exhaustively. A missing case is an error (@ts-expect-error proves the check bites).
import { isFincodeSecureError, type FincodeClientErrorCode, type FincodeErrorCode, type FincodeSecureErrorCode } from '../../src/index.js'
import type { FincodeFormError, FincodeFormErrorCode } from '../../src/react/index.js'

function exhaustive(value: never): never {
  throw new Error(`unhandled ${String(value)}`)
}

/** Any failure of the library, from any entry, in one switch. */
export function describeAny(error: unknown): string {
  if (!isFincodeSecureError(error)) return 'not ours'
  switch (error.code) {
    case 'ERR_KEY_INVALID':
    case 'ERR_KEY_PRIVATE':
    case 'ERR_KEY_UNSUPPORTED':
    case 'ERR_KEY_TOO_SMALL':
    case 'ERR_KEY_MISSING':
      return 'key'
    case 'ERR_TOKEN_REJECTED':
    case 'ERR_TOKEN_MISSING':
    case 'ERR_TOKEN_IN_BROWSER':
      return 'token'
    case 'ERR_VALUE_INVALID':
      return error.message
    default:
      return error.code
  }
}

export function core(code: FincodeSecureErrorCode): string {
  switch (code) {
    case 'ERR_KEY_INVALID':
    case 'ERR_KEY_PRIVATE':
    case 'ERR_KEY_UNSUPPORTED':
    case 'ERR_KEY_TOO_SMALL':
    case 'ERR_PAYLOAD_TOO_LARGE':
    case 'ERR_PAYLOAD_INVALID':
    case 'ERR_WEBCRYPTO_UNAVAILABLE':
    case 'ERR_ENCRYPTION_FAILED':
      return code
    default:
      return exhaustive(code)
  }
}

export function form(error: FincodeFormError): string {
  switch (error.code) {
    case 'ERR_KEY_MISSING':
    case 'ERR_VALUE_INVALID':
      return error.message
    case 'ERR_KEY_ROTATED': // refused again after the one retry (issue 15)
    case 'ERR_KEY_STALE': // the server's own key is out of date
      return error.message
    case 'ERR_KEY_INVALID':
    case 'ERR_KEY_PRIVATE':
    case 'ERR_KEY_UNSUPPORTED':
    case 'ERR_KEY_TOO_SMALL':
    case 'ERR_PAYLOAD_TOO_LARGE':
    case 'ERR_PAYLOAD_INVALID':
    case 'ERR_WEBCRYPTO_UNAVAILABLE':
    case 'ERR_ENCRYPTION_FAILED':
      return error.code
    default:
      return exhaustive(error.code)
  }
}

export function formOwn(code: FincodeFormErrorCode): string {
  switch (code) {
    case 'ERR_KEY_MISSING':
      return 'loading'
    default:
      // @ts-expect-error ERR_VALUE_INVALID is not handled: the exhaustive check must refuse this
      return exhaustive(code)
  }
}

export function client(code: FincodeClientErrorCode): FincodeErrorCode {
  return code // every sub-union is part of FincodeErrorCode
}
