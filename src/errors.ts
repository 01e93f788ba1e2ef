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
  | 'ERR_RUNTIME_UNSUPPORTED'
  | 'ERR_TOKEN_REJECTED'
  | 'ERR_KEY_ROTATED'
  | 'ERR_KEY_STALE'
  | 'ERR_API_ERROR'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_NETWORK'

/** The form entries' own codes (`fincode-secure/react`, `fincode-secure/dom`): the key has not loaded yet; a field failed `required` or `validate()`. */
export type FincodeFormErrorCode = 'ERR_KEY_MISSING' | 'ERR_VALUE_INVALID'

/** Every code of the library: the core's, the server client's and the forms'. One `switch (error.code)` may name any of them. */
export type FincodeErrorCode = FincodeSecureErrorCode | FincodeClientErrorCode | FincodeFormErrorCode

/**
 * Every failure of the library: a rejected promise (never a synchronous throw from the encryption functions) with a
 * stable `code` to switch on and a `message` that says what was wrong and what to do. Messages and `cause`s never
 * hold a plaintext, a private key or a token. Across realms or copies of the library, use `isFincodeSecureError`.
 *
 * @example
 * ```ts
 * try {
 *   await encryptPayload(pin, publicKey)
 * } catch (error) {
 *   if (isFincodeSecureError(error) && error.code === 'ERR_PAYLOAD_TOO_LARGE') showError('That answer is too long.')
 *   else throw error
 * }
 * ```
 */
export class FincodeSecureError<Code extends FincodeErrorCode = FincodeSecureErrorCode> extends Error {
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
 * Its `code` is then any of the library's codes (`FincodeErrorCode`).
 */
export function isFincodeSecureError(value: unknown): value is FincodeSecureError<FincodeErrorCode> {
  if (value instanceof FincodeSecureError) return true
  const v = value as { name?: unknown; code?: unknown } | null
  return typeof v === 'object' && v !== null && typeof v.code === 'string' && (v.name === 'FincodeSecureError' || v.name === 'FincodeApiError')
}
