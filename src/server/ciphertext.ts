import { fromBase64 } from '../_base64.js'

/** Padded standard Base64 (RFC 4648 §4), the only form FinCode decodes; base64url, spaces and line breaks are refused. */
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * Whether `value` has the shape of one RSA-OAEP ciphertext for a key of
 * `modulusLength` bits: standard Base64 decoding to exactly the modulus length.
 * One rule for the forwarding helper (which accepts only such values) and the
 * client (which refuses to encrypt them again).
 */
export function isCiphertextFor(value: string, modulusLength: number): boolean {
  const bytes = Math.ceil(modulusLength / 8)
  // The length first: it bounds the work on anything a client sends.
  return value.length === Math.ceil(bytes / 3) * 4 && STANDARD_BASE64.test(value) && fromBase64(value).length === bytes
}
