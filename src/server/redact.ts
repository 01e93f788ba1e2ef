// The client's own token, wherever a server repeats it back (an error body that
// echoes the request's headers, a proxy's diagnostic page), is replaced before
// it can reach an error, a log or onRequest.

import { MAX_NESTING } from '../_limits.js'

export const REDACTED = '[redacted]'

export function redactText(text: string, tokens: readonly string[]): string {
  for (const token of tokens) text = text.split(token).join(REDACTED)
  return text
}

/**
 * A copy of parsed JSON with the tokens replaced in every string and key.
 * Parts nested deeper than MAX_NESTING (only a hostile server sends them) are dropped.
 */
export function redactJson(value: unknown, tokens: readonly string[], depth = 1): unknown {
  if (typeof value === 'string') return redactText(value, tokens)
  if (typeof value !== 'object' || value === null) return value
  if (depth > MAX_NESTING) return '[nested too deep]'
  if (Array.isArray(value)) return value.map((item) => redactJson(item, tokens, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const [name, item] of Object.entries(value)) {
    // defineProperty: a "__proto__" key from JSON.parse stays an ordinary key.
    Object.defineProperty(copy, redactText(name, tokens), { value: redactJson(item, tokens, depth + 1), enumerable: true, writable: true, configurable: true })
  }
  return copy
}

/** Scrubs an error the client is about to throw: its message and stack. */
export function redactError<E>(error: E, tokens: readonly string[]): E {
  const target = error as { message?: unknown; stack?: unknown } | null
  if (tokens.length === 0 || typeof target !== 'object' || target === null) return error
  for (const field of ['message', 'stack'] as const) {
    const text = target[field]
    if (typeof text === 'string' && tokens.some((token) => text.includes(token))) {
      Object.defineProperty(target, field, { value: redactText(text, tokens), writable: true, configurable: true, enumerable: false })
    }
  }
  return error
}
