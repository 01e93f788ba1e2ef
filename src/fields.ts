import { copyBody, put, type SensitiveField } from './_json-copy.js'
import { encryptPayload, type EncryptOptions } from './encrypt.js'
import { FincodeSecureError } from './errors.js'
import { importPublicKey, type FincodePublicKey, type PublicKeyInput } from './key.js'

/** The fields FinCode's docs ask to encrypt. */
export const SENSITIVE_FIELDS = /* @__PURE__ */ Object.freeze(['currentPassword', 'newPassword', 'transactionPin', 'userPin', 'securityAnswer'] as const)

/** Options of `encryptFields`: which field names to encrypt, and the padding variant (`scheme`). */
export interface EncryptFieldsOptions extends EncryptOptions {
  /** Key names to encrypt, at any depth; replaces `SENSITIVE_FIELDS`. Names match exactly. */
  fields?: readonly string[]
}

/**
 * Puts the ciphertext of every field in its place in the copy. Encryption
 * starts only once the whole body is known to be valid, so a bad field never
 * leaves other encryptions running with nobody awaiting them.
 */
export async function encryptCopiedFields(fields: readonly SensitiveField[], key: FincodePublicKey, options?: EncryptOptions): Promise<void> {
  await Promise.all(
    fields.map(({ holder, name, plaintext, path }) =>
      encryptPayload(plaintext, key, options).then(
        (ciphertext) => put(holder, name, ciphertext),
        (error: FincodeSecureError) => {
          throw new FincodeSecureError(error.code, `${path}: ${error.message}`, { cause: error })
        },
      ),
    ),
  )
}

/**
 * Returns a JSON-ready copy of `body` — what `JSON.stringify(body)` would
 * serialise (`toJSON` applied, so a `Date` becomes its ISO string) — in which
 * every string under a sensitive key, at any depth, is replaced by its
 * ciphertext. Nothing else is encrypted and `body` is never modified. All
 * fields succeed or the call rejects.
 *
 * @example
 * ```ts
 * const body = await encryptFields({ cardId: 'card-0001', confirmation: { transactionPin: '012345' } }, publicKey)
 * // body.cardId is unchanged; body.confirmation.transactionPin is a ciphertext
 * ```
 */
export async function encryptFields<T>(body: T, publicKey: PublicKeyInput, options?: EncryptFieldsOptions): Promise<T> {
  let list: unknown
  let scheme: EncryptOptions['scheme']
  try {
    list = options?.fields ?? SENSITIVE_FIELDS
    scheme = options?.scheme
  } catch (cause) {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', 'options could not be read (a getter or Proxy threw); see cause.', { cause })
  }
  if (!Array.isArray(list) || list.some((f) => typeof f !== 'string' || !f)) {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', 'options.fields must be an array of non-empty field names, such as ["transactionPin"].')
  }
  const { copy, fields } = copyBody(body, new Set<string>(list as string[]))
  const key = await importPublicKey(publicKey)
  await encryptCopiedFields(fields, key, scheme ? { scheme } : undefined)
  return copy as T
}
