// Finds every sensitive field of a request body, decrypts it, and reports per
// field whether it decrypted and with which OAEP variant. Plaintexts stay in
// this process: the verdicts that go out never contain them.
import { MAX_NESTING } from '../_limits.js'
import { SENSITIVE_FIELDS } from '../fields.js'
import { SandboxHttpError } from './http.js'
import { oaepDecryptAnyVariant, type OaepVariant } from './oaep-decrypt.js'
import type { SandboxStore } from './store.js'

/**
 * The sandbox's report on one sensitive field of a request: decrypted (with which variant and key) or not, and why.
 * Never holds the decrypted value.
 */
export type FieldVerdict =
  | { field: string; decrypted: true; variant: OaepVariant; keyFingerprint: string }
  | {
      field: string
      decrypted: false
      reason: 'rotated-key' | 'not-decryptable' | 'not-base64' | 'not-a-string' | 'not-utf8'
      /** For 'rotated-key': the retired key it was made with, and that key's variant. */
      keyFingerprint?: string
      variant?: OaepVariant
      retiredAt?: string
    }

export interface DecryptedFields {
  verdicts: FieldVerdict[]
  /** Field path → plaintext, for the handler's own checks. Never serialised. */
  plaintexts: Map<string, string>
}

const SENSITIVE = new Set<string>(SENSITIVE_FIELDS)
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Standard padded Base64 only, as FinCode's servers (Java's Base64.getDecoder) read it. */
function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64')
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined
}

function decryptOne(store: SandboxStore, field: string, value: unknown, plaintexts: Map<string, string>): FieldVerdict {
  if (typeof value !== 'string') return { field, decrypted: false, reason: 'not-a-string' }
  const ciphertext = strictBase64(value)
  if (!ciphertext) return { field, decrypted: false, reason: 'not-base64' }
  const current = store.currentKey
  const result = oaepDecryptAnyVariant(store.keyObject(current), ciphertext)
  if (result) {
    try {
      plaintexts.set(field, utf8.decode(result.plaintext))
    } catch {
      return { field, decrypted: false, reason: 'not-utf8' }
    } finally {
      result.plaintext.fill(0)
    }
    return { field, decrypted: true, variant: result.variant, keyFingerprint: current.fingerprint }
  }
  // Retired keys are consulted only to explain the refusal, never to accept.
  for (const retired of store.retiredKeys) {
    const old = oaepDecryptAnyVariant(store.keyObject(retired), ciphertext)
    if (old) {
      old.plaintext.fill(0)
      return { field, decrypted: false, reason: 'rotated-key', keyFingerprint: retired.fingerprint, variant: old.variant, retiredAt: retired.retiredAt ?? undefined }
    }
  }
  return { field, decrypted: false, reason: 'not-decryptable' }
}

/**
 * Sensitive fields one request may carry. Each field that does not decrypt costs
 * a private-key operation per retired key (to explain the refusal), so a body
 * of bogus fields would otherwise hold the event loop for seconds. FinCode's
 * own requests carry at most three.
 */
export const MAX_ENCRYPTED_FIELDS = 8

/**
 * Decrypts every field named in SENSITIVE_FIELDS, at any depth up to the
 * library's one limit (MAX_NESTING, the body itself counting as 1): a deeper
 * body is refused, never passed with fields left unread.
 */
export function decryptSensitiveFields(store: SandboxStore, body: unknown): DecryptedFields {
  const found: [path: string, value: unknown][] = []
  const plaintexts = new Map<string, string>()
  const walk = (value: unknown, path: string, depth: number) => {
    if (typeof value !== 'object' || value === null) return
    if (depth > MAX_NESTING) {
      throw new SandboxHttpError(400, 'BODY_TOO_DEEP', `${path || 'the body'} is nested ${depth} objects and arrays deep; a request body may nest at most ${MAX_NESTING}.`)
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1))
      return
    }
    for (const [name, item] of Object.entries(value)) {
      const at = path ? `${path}.${name}` : name
      if (SENSITIVE.has(name)) found.push([at, item])
      else walk(item, at, depth + 1)
    }
  }
  walk(body, '', 1)
  if (found.length > MAX_ENCRYPTED_FIELDS) {
    throw new SandboxHttpError(
      413,
      'TOO_MANY_ENCRYPTED_FIELDS',
      `The body holds ${found.length} sensitive fields; at most ${MAX_ENCRYPTED_FIELDS} are decrypted per request. Send one request per operation.`,
    )
  }
  const verdicts = found.map(([at, value]) => decryptOne(store, at, value, plaintexts))
  return { verdicts, plaintexts }
}

/**
 * Refuses the request when a field did not decrypt. "Not decryptable" wins over
 * "rotated key": re-encrypting with the new key would not fix the other field.
 */
export function requireDecrypted(verdicts: FieldVerdict[]): void {
  const failed = verdicts.filter((v) => !v.decrypted)
  if (failed.length === 0) return
  const names = failed.map((v) => v.field).join(', ')
  if (failed.every((v) => !v.decrypted && v.reason === 'rotated-key')) {
    throw new SandboxHttpError(409, 'KEY_ROTATED', `${names} ${failed.length > 1 ? 'were' : 'was'} encrypted with a key that has been rotated; fetch the current public key and encrypt again.`, { fields: verdicts })
  }
  throw new SandboxHttpError(
    422,
    'FIELD_NOT_DECRYPTABLE',
    `${names} could not be decrypted with the organisation key: send each sensitive field as standard Base64 of RSA-OAEP (SHA-256) with the current key.`,
    { fields: verdicts },
  )
}
