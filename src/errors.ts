/**
 * Every failure of the library is a `FincodeSecureError` with a stable `code`.
 * Messages say what was wrong and what to do; they never contain a plaintext,
 * a key's private part or a token.
 */
/** The core's codes, for keys, payloads and WebCrypto (`fincode-secure`). */
export type FincodeSecureErrorCode =
  | 'ERR_KEY_INVALID'
  | 'ERR_KEY_PRIVATE'
  | 'ERR_KEY_UNSUPPORTED'
  | 'ERR_KEY_TOO_SMALL'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_PAYLOAD_INVALID'
  | 'ERR_WEBCRYPTO_UNAVAILABLE'
  | 'ERR_ENCRYPTION_FAILED'

/** The API-token client's own codes (`fincode-secure/server`), on top of the core's. */
export type FincodeClientErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_INSECURE_URL'
  | 'ERR_TOKEN_MISSING'
  | 'ERR_TOKEN_IN_BROWSER'
  | 'ERR_TOKEN_REJECTED'
  | 'ERR_KEY_ROTATED'
  | 'ERR_KEY_STALE'
  | 'ERR_API_ERROR'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_NETWORK'

/** The React entry's own codes (`fincode-secure/react`): the key has not loaded yet; a field failed `required` or `validate()`. */
export type FincodeFormErrorCode = 'ERR_KEY_MISSING' | 'ERR_VALUE_INVALID'

export class FincodeSecureError<Code extends FincodeSecureErrorCode | FincodeClientErrorCode | FincodeFormErrorCode = FincodeSecureErrorCode> extends Error {
  /** Stable, machine-readable reason. Switch on this, not on `message`. */
  readonly code: Code

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = 'FincodeSecureError'
  }
}

/**
 * True for a `FincodeSecureError` (including its subclass `FincodeApiError` from
 * `fincode-secure/server`), also one from another copy of the library or
 * another realm (an iframe, a test environment), where `instanceof` fails.
 */
export function isFincodeSecureError(value: unknown): value is FincodeSecureError {
  if (value instanceof FincodeSecureError) return true
  const v = value as { name?: unknown; code?: unknown } | null
  return typeof v === 'object' && v !== null && typeof v.code === 'string' && (v.name === 'FincodeSecureError' || v.name === 'FincodeApiError')
}
