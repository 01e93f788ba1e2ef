/**
 * Every failure of the library is a `FincodeSecureError` with a stable `code`.
 * Messages say what was wrong and what to do; they never contain a plaintext,
 * a key's private part or a token.
 */
export type FincodeSecureErrorCode =
  | 'ERR_KEY_INVALID'
  | 'ERR_KEY_PRIVATE'
  | 'ERR_KEY_UNSUPPORTED'
  | 'ERR_KEY_TOO_SMALL'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_PAYLOAD_INVALID'
  | 'ERR_WEBCRYPTO_UNAVAILABLE'
  | 'ERR_ENCRYPTION_FAILED'
  // From the React entry: the key has not loaded yet, and a field failed `required` or `validate()`.
  | 'ERR_KEY_MISSING'
  | 'ERR_VALUE_INVALID'

export class FincodeSecureError extends Error {
  /** Stable, machine-readable reason. Switch on this, not on `message`. */
  readonly code: FincodeSecureErrorCode

  constructor(code: FincodeSecureErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = 'FincodeSecureError'
  }
}

/**
 * True for a `FincodeSecureError`, also one from another copy of the library or
 * another realm (an iframe, a test environment), where `instanceof` fails.
 */
export function isFincodeSecureError(value: unknown): value is FincodeSecureError {
  if (value instanceof FincodeSecureError) return true
  const v = value as { name?: unknown; code?: unknown } | null
  return typeof v === 'object' && v !== null && v.name === 'FincodeSecureError' && typeof v.code === 'string'
}
