// The walk behind encryptFields and the server client: one pass over a request
// body that sees exactly what JSON.stringify would serialise (toJSON applied,
// boxed primitives unwrapped, functions and undefined dropped), copies it as
// plain JSON data, and lists the sensitive strings to encrypt. What is sent is
// that copy, so a getter or Proxy that answers differently on a second read
// cannot slip a plaintext past the walk.
import { MAX_NESTING } from './_limits.js'
import { FincodeSecureError } from './errors.js'
import { describe } from './key.js'

/** One sensitive string, and where its ciphertext goes in the copy. */
export interface SensitiveField {
  holder: Record<string, unknown>
  name: string
  plaintext: string
  /** Where it is in the body, such as `body.users[1].userPin`: for messages. */
  path: string
}

export interface BodyCopy {
  /** Plain JSON data: objects, arrays, strings, finite numbers, booleans and null. */
  copy: unknown
  fields: SensitiveField[]
}

// Plain assignment of "__proto__" would set the copy's prototype instead of adding
// the key (JSON.parse makes it an ordinary own key), so the field would vanish.
export function put(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true })
}

function invalid(message: string, cause?: unknown): FincodeSecureError {
  return new FincodeSecureError('ERR_PAYLOAD_INVALID', message, cause === undefined ? undefined : { cause })
}

/** True when `value` carries the internal slot that `valueOf` of that wrapper reads (works across realms). */
function hasSlot(valueOf: () => unknown, value: object): boolean {
  try {
    valueOf.call(value)
    return true
  } catch {
    return false
  }
}

/** A value as JSON.stringify sees it, before it decides how to write it: toJSON(key) applied, wrappers unwrapped. */
function serialisable(value: unknown, key: string, path: string): unknown {
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') value = toJSON.call(value, key)
  }
  if (typeof value === 'object' && value !== null) {
    if (hasSlot(Number.prototype.valueOf, value)) return Number(value)
    if (hasSlot(String.prototype.valueOf, value)) return String(value)
    if (hasSlot(Boolean.prototype.valueOf, value)) return Boolean.prototype.valueOf.call(value)
    if (hasSlot(BigInt.prototype.valueOf, value)) value = BigInt.prototype.valueOf.call(value)
  }
  if (typeof value === 'bigint') {
    throw invalid(`${path} is a BigInt, which JSON cannot carry; send it as a string or a number.`)
  }
  return value
}

/**
 * Copies `body` as JSON.stringify would serialise it and finds every string
 * under a key in `names`. Throws ERR_PAYLOAD_INVALID, naming the path, for a
 * sensitive value that is not a string, a cycle, nesting deeper than
 * MAX_NESTING, a BigInt, or a getter, toJSON or Proxy trap that throws.
 */
export function copyBody(body: unknown, names: ReadonlySet<string>): BodyCopy {
  const fields: SensitiveField[] = []
  const ancestors = new Set<object>()
  // Where the walk is, so that a throwing getter or trap can be named.
  let at = 'body'

  const walk = (input: unknown, key: string, path: string, depth: number): unknown => {
    at = path
    const value = serialisable(input, key, path)
    if (typeof value === 'number') return Number.isFinite(value) ? value : null
    if (typeof value !== 'object' || value === null) {
      return typeof value === 'string' || typeof value === 'boolean' || value === null ? value : undefined
    }
    if (depth > MAX_NESTING) {
      throw invalid(`${path} is nested ${depth} objects and arrays deep; a request body may nest at most ${MAX_NESTING}.`)
    }
    if (ancestors.has(value)) throw invalid(`${path} refers back to itself; a request body must be a tree.`)
    ancestors.add(value)
    let copy: unknown[] | Record<string, unknown>
    if (Array.isArray(value)) {
      copy = []
      const length = (value as unknown[]).length
      for (let i = 0; i < length; i++) {
        // JSON writes null where an array holds undefined or a function.
        copy.push(walk((value as unknown[])[i], String(i), `${path}[${i}]`, depth + 1) ?? null)
      }
    } else {
      const out: Record<string, unknown> = {}
      for (const name of Object.keys(value)) {
        const itemPath = `${path}.${name}`
        at = itemPath
        const item = (value as Record<string, unknown>)[name]
        if (names.has(name)) {
          const text = serialisable(item, name, itemPath)
          if (typeof text === 'string') {
            fields.push({ holder: out, name, plaintext: text, path: itemPath })
            put(out, name, '') // keeps the key order of the input
          } else if (text !== undefined && typeof text !== 'function' && typeof text !== 'symbol') {
            throw invalid(`${itemPath} is ${describe(text)}, but sensitive fields must be strings; pass PINs as text so leading zeros survive.`)
          }
        } else {
          const copied = walk(item, name, itemPath, depth + 1)
          if (copied !== undefined) put(out, name, copied)
        }
      }
      copy = out
    }
    ancestors.delete(value)
    return copy
  }

  try {
    return { copy: walk(body, '', 'body', 1), fields }
  } catch (error) {
    if (error instanceof FincodeSecureError) throw error
    throw invalid(`${at} could not be read: a getter, toJSON or Proxy threw while the body was copied; see cause.`, error)
  }
}
