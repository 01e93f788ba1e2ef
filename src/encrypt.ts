import { toBase64 } from './_base64.js'
import { FincodeSecureError } from './errors.js'
import { describe, importPublicKey, type PublicKeyInput } from './key.js'
import { subtle } from './_subtle.js'
import { RSA_OAEP_PARAMS, type EncryptionScheme } from './scheme.js'

/** Options of `encryptPayload`. */
export interface EncryptOptions {
  /** Padding variant; default `oaepSha256`. `javaDefault` (from `fincode-secure/java-default`) targets Java's default provider. */
  scheme?: EncryptionScheme
}

/**
 * Encrypts one sensitive value for a FinCode API request: UTF-8, RSA-OAEP
 * (SHA-256, MGF1-SHA-256), standard padded Base64 out, as FinCode's docs
 * specify (Java's default provider differs in MGF1: see fincode-secure/java-default).
 *
 * @example
 * ```ts
 * const transactionPin = await encryptPayload('012345', publicKey) // 344 Base64 characters for a 2048-bit key
 * ```
 */
export async function encryptPayload(payload: string, publicKey: PublicKeyInput, options?: EncryptOptions): Promise<string> {
  // An empty payload has nothing to protect, and WebKit's WebCrypto refuses it: one answer in every runtime.
  if (typeof payload !== 'string' || !payload) {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', `payload must be a non-empty string, got ${payload === '' ? 'an empty one' : describe(payload)}; a PIN as text keeps its leading zeros.`)
  }
  return encryptText(payload, publicKey, options)
}

/**
 * encryptPayload after its type check: for callers whose text is a non-empty
 * string by construction (the forms controller, which reads an input's value),
 * so that their bundles do not carry that refusal.
 */
export async function encryptText(text: string, publicKey: PublicKeyInput, options?: EncryptOptions): Promise<string> {
  if (/\p{Cs}/u.test(text)) {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', 'payload has an unpaired UTF-16 surrogate, which would reach the server as U+FFFD.')
  }
  const key = await importPublicKey(publicKey)
  const data = new TextEncoder().encode(text)
  let scheme: EncryptionScheme | undefined
  try {
    // Read inside the try: a hostile options object (a throwing getter, a Proxy) is then a typed failure too.
    scheme = options?.scheme
    if (data.length > key.maxPayloadBytes) {
      throw new FincodeSecureError(
        'ERR_PAYLOAD_TOO_LARGE',
        `payload is ${data.length} bytes of UTF-8; a ${key.modulusLength}-bit key takes at most ${key.maxPayloadBytes}. Encrypt each sensitive field alone, never a whole body.`,
      )
    }
    // The default path calls WebCrypto directly rather than through oaepSha256:
    // a bundle that never names a scheme then carries no scheme object at all.
    return toBase64(new Uint8Array(await (scheme ? scheme.encrypt(key, data) : subtle().encrypt(RSA_OAEP_PARAMS, key.cryptoKey, data))))
  } catch (cause) {
    if (cause instanceof FincodeSecureError) throw cause
    throw new FincodeSecureError('ERR_ENCRYPTION_FAILED', `${scheme?.name ?? 'RSA-OAEP-256'} encryption failed; see cause.`, { cause })
  } finally {
    data.fill(0)
  }
}
