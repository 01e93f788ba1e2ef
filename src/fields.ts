import { encryptPayload, type EncryptOptions } from './encrypt.js'
import { FincodeSecureError } from './errors.js'
import { describe, importPublicKey, type PublicKeyInput } from './key.js'

/** The fields FinCode's docs ask to encrypt. */
export const SENSITIVE_FIELDS = /* @__PURE__ */ Object.freeze(['currentPassword', 'newPassword', 'transactionPin', 'userPin', 'securityAnswer'] as const)

/** Options of `encryptFields`: the padding `scheme`, and which `fields` to encrypt. */
export interface EncryptFieldsOptions extends EncryptOptions {
  /** Key names to encrypt, at any depth; replaces `SENSITIVE_FIELDS`. Names match exactly. */
  fields?: readonly string[]
}

// Plain assignment of "__proto__" would set the copy's prototype instead of adding
// the key (JSON.parse makes it an ordinary own key), so the field would vanish.
function put(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true })
}

function invalid(message: string): FincodeSecureError {
  return new FincodeSecureError('ERR_PAYLOAD_INVALID', message)
}

/**
 * Returns a JSON-ready copy of `body` in which every string under a sensitive
 * key, at any depth, is replaced by its ciphertext. Nothing else is encrypted
 * and `body` is never modified. All fields succeed or the call rejects.
 *
 * @example
 * ```ts
 * const body = await encryptFields({ cardId: 'card-0001', confirmation: { transactionPin: '012345' } }, publicKey)
 * // body.cardId is unchanged; body.confirmation.transactionPin is a ciphertext
 * ```
 */
export async function encryptFields<T>(body: T, publicKey: PublicKeyInput, options?: EncryptFieldsOptions): Promise<T> {
  const list = options?.fields ?? SENSITIVE_FIELDS
  if (!Array.isArray(list) || list.some((f) => typeof f !== 'string' || !f)) {
    throw invalid('options.fields must be an array of non-empty field names, such as ["transactionPin"].')
  }
  const fields = new Set<string>(list)
  const key = await importPublicKey(publicKey)
  // Encryption starts only once the whole body is known to be valid, so a bad
  // field never leaves other encryptions running with nobody awaiting them.
  const jobs: [out: Record<string, unknown>, name: string, plaintext: string, path: string][] = []
  const ancestors = new Set<object>()

  const walk = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null) return value
    // Values with toJSON (Date…) serialise themselves; JSON.stringify would not look inside.
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value
    if (ancestors.has(value)) throw invalid(`${path} refers back to itself; a request body must be a tree.`)
    ancestors.add(value)
    let copy: unknown[] | Record<string, unknown>
    if (Array.isArray(value)) {
      copy = value.map((item, i) => walk(item, `${path}[${i}]`))
    } else {
      const out: Record<string, unknown> = {}
      for (const name of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[name]
        const at = `${path}.${name}`
        if (fields.has(name) && item !== undefined) {
          if (typeof item !== 'string') {
            throw invalid(`${at} is ${describe(item)}, but sensitive fields must be strings; pass PINs as text so leading zeros survive.`)
          }
          jobs.push([out, name, item, at])
          put(out, name, '') // keeps the key order of the input
        } else {
          put(out, name, walk(item, at))
        }
      }
      copy = out
    }
    ancestors.delete(value)
    return copy
  }

  const copy = walk(body, 'body')
  await Promise.all(
    jobs.map(([out, name, plaintext, at]) =>
      encryptPayload(plaintext, key, options).then(
        (ciphertext) => put(out, name, ciphertext),
        (error: FincodeSecureError) => {
          throw new FincodeSecureError(error.code, `${at}: ${error.message}`, { cause: error })
        },
      ),
    ),
  )
  return copy as T
}
