// The one answer a server gives its page when ciphertexts were made with a key
// FinCode no longer accepts (docs/key-rotation.md). It lives in the core, not in
// fincode-secure/server, because the page reads it: a page must never load the
// server entry.
import { FincodeSecureError } from './errors.js'

/**
 * What your server answers (HTTP 409, JSON) or a Server Action returns when the
 * page's ciphertexts cannot be used: `KEY_ROTATED` — encrypt again with the
 * current key (its `fingerprint`, when the server knows it) and resubmit;
 * `KEY_STALE` — FinCode refused the key the server itself still serves, so a
 * retry cannot help until the operator updates the server's key.
 */
export interface KeyRotatedAnswer {
  /** Which case it is, the text to show, and the current key's fingerprint when known. */
  error: {
    code: 'KEY_ROTATED' | 'KEY_STALE'
    /** Safe to show in the page: no value, key or token. */
    message: string
    /** The current key's fingerprint (lowercase hex SHA-256 of its SPKI), when the server knows it. */
    fingerprint?: string
  }
}

/** The page-safe text of each answer, also the message of the error `readKeyRotated` gives. */
export const KEY_ROTATED_MESSAGES = {
  KEY_ROTATED: 'The encryption key was rotated while this form was open: encrypt the fields again with the current key and resubmit.',
  KEY_STALE:
    "The server's encryption key is out of date, so FinCode refused it. Resubmitting cannot help until the site updates the key it serves (its server log names the setting).",
} as const

/** True for a `KeyRotatedAnswer`: a plain object of that shape, as a Server Action returns it. */
export function isKeyRotatedAnswer(value: unknown): value is KeyRotatedAnswer {
  const error = (value as { error?: unknown } | null)?.error as Partial<KeyRotatedAnswer['error']> | null | undefined
  return (
    typeof error === 'object' &&
    error !== null &&
    (error.code === 'KEY_ROTATED' || error.code === 'KEY_STALE') &&
    typeof error.message === 'string' &&
    (error.fingerprint === undefined || typeof error.fingerprint === 'string')
  )
}

/**
 * Turns the rotated-key answer back into an error: `ERR_KEY_ROTATED` (encrypt
 * again with the current key and resubmit) or `ERR_KEY_STALE` (do not retry).
 * `value` is a `Response` from your server (only a 409 is read, from a clone, so
 * the body stays readable) or the value a Server Action returned. Anything else
 * gives `null`. The answer itself is the error's `cause`.
 */
export async function readKeyRotated(value: unknown): Promise<FincodeSecureError<'ERR_KEY_ROTATED' | 'ERR_KEY_STALE'> | null> {
  let answer = value
  if (isResponse(value)) {
    if (value.status !== 409) return null
    try {
      answer = await value.clone().json()
    } catch {
      return null // not JSON, or a body already read: not an answer we can recognise
    }
  }
  if (!isKeyRotatedAnswer(answer)) return null
  const code = answer.error.code
  return new FincodeSecureError(code === 'KEY_STALE' ? 'ERR_KEY_STALE' : 'ERR_KEY_ROTATED', KEY_ROTATED_MESSAGES[code], { cause: answer })
}

// By shape, not instanceof: a Response from another realm (a test environment,
// a fetch polyfill, undici in Next.js) is still a Response.
function isResponse(value: unknown): value is Response {
  const response = value as Partial<Response> | null
  return typeof response === 'object' && response !== null && typeof response.status === 'number' && typeof response.clone === 'function' && typeof response.headers === 'object'
}
