// MINIMAL STAND-IN written by the pagekey branch against CONTRACTS.md ("The rotated-key
// answer"), because the keyserver branch's src/key-rotated.ts was not merged yet.
// On merge, keep the keyserver branch's file and drop this one.
import { FincodeSecureError } from './errors.js'

/** What a server answers (HTTP 409 JSON body, or a Server Action's return value) when the page's key was rotated. */
export interface KeyRotatedAnswer {
  error: {
    code: 'KEY_ROTATED' | 'KEY_STALE'
    /** Safe to show in a page. */
    message: string
    /** The current key's fingerprint, when the server knows it. */
    fingerprint?: string
  }
}

export function isKeyRotatedAnswer(value: unknown): value is KeyRotatedAnswer {
  if (typeof value !== 'object' || value === null) return false
  const error = (value as { error?: unknown }).error as { code?: unknown; message?: unknown } | null | undefined
  return typeof error === 'object' && error !== null && (error.code === 'KEY_ROTATED' || error.code === 'KEY_STALE') && typeof error.message === 'string'
}

function isResponse(value: unknown): value is Response {
  const v = value as Partial<Response> | null
  return typeof v === 'object' && v !== null && typeof v.status === 'number' && typeof v.clone === 'function' && typeof v.headers === 'object'
}

/** The rotated-key answer in `value` (a Response: status 409 only, read from a clone; a plain object: its shape) as an error, else null. */
export async function readKeyRotated(value: Response | unknown): Promise<FincodeSecureError<'ERR_KEY_ROTATED' | 'ERR_KEY_STALE'> | null> {
  let answer: unknown = value
  if (isResponse(value)) {
    if (value.status !== 409) return null
    answer = await value
      .clone()
      .json()
      .catch(() => null)
  }
  if (!isKeyRotatedAnswer(answer)) return null
  const { code, message } = answer.error
  return new FincodeSecureError(code === 'KEY_STALE' ? 'ERR_KEY_STALE' : 'ERR_KEY_ROTATED', message)
}
