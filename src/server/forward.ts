// The forwarding helper (docs/key-rotation.md): for a Server Action or a route
// handler that receives ciphertexts made in the page and forwards them to FinCode
// with `client.post(path, body, { fields: [] })`.
import { FincodeSecureError } from '../errors.js'
import type { KeyRotatedAnswer } from '../key-rotated.js'
import { describe } from '../key.js'
import type { PublicKeySource } from './client.js'
import { answer } from './key-rotated-answer.js'
import { checkKeySource, currentPublicKey } from './key-source.js'
import { refuse } from './options.js'
import { isCiphertextFor } from './ciphertext.js'

/** The name under which the page sends the fingerprint of the key it encrypted with. */
const FINGERPRINT_FIELD = 'fincodeKeyFingerprint'
const WHO = 'readEncryptedFields'

/** What `readEncryptedFields` reads: which form fields go where, and the key they must have been made with. */
export interface ReadEncryptedFieldsOptions {
  /** Form field name → API field path: `{ newPinAgain: 'confirmation.transactionPin' }` (dots make nested objects). */
  fields: Record<string, string>
  /** The key source your key endpoint serves from; called once per call, nothing kept. */
  publicKey: PublicKeySource
}

/**
 * What `readEncryptedFields` gives: the body to forward with `client.post(path, body, { fields: [] })`,
 * or the `KEY_ROTATED` answer to return to the page when it encrypted with an older key.
 */
export type ReadEncryptedFieldsResult =
  | { ok: true; body: Record<string, unknown>; fingerprint: string }
  | { ok: false; answer: KeyRotatedAnswer }

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Reads the ciphertexts of `options.fields` from a form's `FormData` or a JSON
 * body, with the `fincodeKeyFingerprint` the page sent, and returns the body to
 * forward: `{ ok: true, body, fingerprint }`, each value placed at its API path.
 *
 * - The fingerprint differs from the current key's: `{ ok: false, answer }`,
 *   the `KEY_ROTATED` answer to return to the page (a returned value, since a
 *   Server Action cannot carry a custom error). Nothing is sent anywhere.
 * - A field missing, sent twice, a file, or not standard Base64 of exactly the
 *   current key's size: rejects with `ERR_PAYLOAD_INVALID` naming the field — it
 *   may be a plaintext PIN, so it is never forwarded and never echoed.
 */
export async function readEncryptedFields(input: FormData | Record<string, unknown>, options: ReadEncryptedFieldsOptions): Promise<ReadEncryptedFieldsResult> {
  const { fields, source } = checkOptions(options)
  const read = reader(input)
  const values = fields.map(([name]) => read(name, 'the ciphertext of a field encrypted in the page'))
  const fingerprint = read(FINGERPRINT_FIELD, 'the fingerprint of the key the page encrypted with, which the form sends in a hidden input')
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) invalid(`${FINGERPRINT_FIELD} is not a key fingerprint (64 lowercase hex digits, as FincodePublicKey.fingerprint).`)

  const key = await currentPublicKey(source, WHO)
  if (fingerprint !== key.fingerprint) return { ok: false, answer: answer('KEY_ROTATED', key.fingerprint) }

  const bytes = Math.ceil(key.modulusLength / 8)
  const body: Record<string, unknown> = {}
  fields.forEach(([name, path], i) => {
    const value = values[i]!
    if (!isCiphertextFor(value, key.modulusLength)) {
      invalid(
        `${name} is not a ciphertext of the current key (standard Base64 of ${bytes} bytes), so it is not forwarded: it may be a plaintext. Encrypt it in the page (useEncryptedField, or encryptPayload with the key the key endpoint serves).`,
      )
    }
    place(body, path.split('.'), value)
  })
  return { ok: true, body, fingerprint }
}

function invalid(message: string): never {
  throw new FincodeSecureError('ERR_PAYLOAD_INVALID', `${WHO}: ${message}`)
}

function checkOptions(options: ReadEncryptedFieldsOptions): { fields: [name: string, path: string][]; source: PublicKeySource } {
  if (typeof options !== 'object' || options === null) refuse('ERR_CONFIG_INVALID', `${WHO} needs options { fields, publicKey }, got ${describe(options)}.`)
  const map = options.fields as unknown
  if (typeof map !== 'object' || map === null || Array.isArray(map) || Object.keys(map).length === 0) {
    refuse('ERR_CONFIG_INVALID', `${WHO}: options.fields must map form field names to API paths, such as { newPinAgain: 'confirmation.transactionPin' }.`)
  }
  const fields = Object.entries(map as Record<string, unknown>)
  const paths: string[] = []
  for (const [name, path] of fields) {
    if (name === FINGERPRINT_FIELD) refuse('ERR_CONFIG_INVALID', `${WHO}: ${FINGERPRINT_FIELD} is read by itself; leave it out of options.fields.`)
    const segments = typeof path === 'string' ? path.split('.') : []
    if (!segments.length || segments.some((s) => !s || FORBIDDEN_SEGMENTS.has(s))) {
      refuse('ERR_CONFIG_INVALID', `${WHO}: options.fields.${name} must be an API field path such as "transactionPin" or "confirmation.transactionPin".`)
    }
    paths.push(path as string)
  }
  // One value per place in the body: "a" and "a.b", or one path twice, would overwrite each other.
  paths.forEach((a, i) => {
    for (const b of paths.slice(i + 1)) {
      if (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) refuse('ERR_CONFIG_INVALID', `${WHO}: options.fields puts two fields at "${a}" and "${b}"; give each its own place.`)
    }
  })
  return { fields: fields as [string, string][], source: checkKeySource(options.publicKey, WHO) }
}

/** One string per name, from FormData (undici's, a browser's, any realm's) or a plain JSON object. */
function reader(input: unknown): (name: string, what: string) => string {
  const form = input as Partial<FormData> | null
  if (typeof form === 'object' && form !== null && typeof form.getAll === 'function') {
    return (name, what) => {
      const all = form.getAll!(name)
      if (all.length > 1) invalid(`${name} was sent ${all.length} times; send it once.`)
      if (!all.length || all[0] === '') invalid(`${name} is missing: ${what}.`)
      if (typeof all[0] !== 'string') invalid(`${name} is a file, not ${what}.`)
      return all[0]
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) invalid(`the input must be a FormData or a JSON object, got ${Array.isArray(input) ? 'an array' : describe(input)}.`)
  const record = input as Record<string, unknown>
  return (name, what) => {
    const value = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined
    if (value === undefined || value === null || value === '') invalid(`${name} is missing: ${what}.`)
    if (typeof value !== 'string') invalid(`${name} must be a string, ${what}; got ${describe(value)}.`)
    return value
  }
}

function place(body: Record<string, unknown>, segments: string[], value: string): void {
  let at = body
  for (const segment of segments.slice(0, -1)) at = (at[segment] ??= {}) as Record<string, unknown>
  at[segments[segments.length - 1]!] = value
}
