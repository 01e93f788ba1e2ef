import { FincodeSecureError } from '../errors.js'

/** The codes an HTTP failure can carry. */
export type FincodeApiErrorCode = 'ERR_API_ERROR' | 'ERR_TOKEN_REJECTED' | 'ERR_KEY_ROTATED' | 'ERR_KEY_STALE'

/**
 * The FinCode API answered with an error status. A subclass of
 * `FincodeSecureError`, so `isFincodeSecureError` and `error.code` work for
 * every failure of the library; this adds what the server said.
 */
export class FincodeApiError extends FincodeSecureError<FincodeApiErrorCode> {
  /** HTTP status (also 2xx when a success response was not JSON). */
  readonly status: number
  /** The server's own error code, e.g. `TOKEN_EXPIRED`, when its body had one. */
  readonly serverCode: string | undefined
  /** The parsed JSON body (or the text, when it was not JSON). */
  readonly body: unknown
  /** The request's HTTP method. */
  readonly method: string
  /** The path as passed to the client, relative to its base URL. */
  readonly path: string

  constructor(
    code: FincodeApiErrorCode,
    message: string,
    details: { status: number; serverCode: string | undefined; body: unknown; method: string; path: string },
  ) {
    super(code, message)
    this.name = 'FincodeApiError'
    this.status = details.status
    this.serverCode = details.serverCode
    this.body = details.body
    this.method = details.method
    this.path = details.path
  }
}

/** True for a `FincodeApiError`, also across realms and copies of the library. */
export function isFincodeApiError(value: unknown): value is FincodeApiError {
  if (value instanceof FincodeApiError) return true
  const v = value as { name?: unknown; code?: unknown; status?: unknown } | null
  return typeof v === 'object' && v !== null && v.name === 'FincodeApiError' && typeof v.code === 'string' && typeof v.status === 'number'
}

/** The error code in a response body: `{error: {code}}` (the sandbox), `{code}`, or `{errors: [{error_code}]}`. */
export function serverErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return
  const b = body as { error?: { code?: unknown }; code?: unknown; errors?: { error_code?: unknown; code?: unknown }[] }
  const candidates = [b.error?.code, b.code, Array.isArray(b.errors) ? (b.errors[0]?.error_code ?? b.errors[0]?.code) : undefined]
  return candidates.find((c): c is string => typeof c === 'string')
}

/** The server's human message, shortened: it goes into our own message. */
export function serverErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return
  const b = body as { error?: { message?: unknown }; message?: unknown }
  const m = [b.error?.message, b.message].find((c): c is string => typeof c === 'string')
  return m && (m.length > 200 ? `${m.slice(0, 200)}…` : m)
}
