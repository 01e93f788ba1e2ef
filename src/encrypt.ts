import { toBase64 } from './_base64.js'
import { FincodeSecureError } from './errors.js'
import { describe, importPublicKey, type PublicKeyInput } from './key.js'
import { oaepSha256, type EncryptionScheme } from './scheme.js'

export interface EncryptOptions {
  /** Padding variant; default `oaepSha256`. `javaDefault` (from `fincode-secure/java-default`) targets Java's default provider. */
  scheme?: EncryptionScheme
}

/**
 * Encrypts one sensitive value for a FinCode API request: UTF-8, RSA-OAEP
 * (SHA-256, MGF1-SHA-256), standard padded Base64 out — the same as the
 * Java, JavaScript, Python and C# samples in FinCode's docs.
 */
export async function encryptPayload(payload: string, publicKey: PublicKeyInput, options?: EncryptOptions): Promise<string> {
  if (typeof payload !== 'string') {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', `payload must be a string, got ${describe(payload)}; a PIN as text keeps its leading zeros.`)
  }
  // With the u flag a valid surrogate pair is one code point, so \p{Cs} finds only
  // lone halves, which TextEncoder would silently turn into U+FFFD.
  if (/\p{Cs}/u.test(payload)) {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', 'payload has an unpaired UTF-16 surrogate, which would reach the server as U+FFFD.')
  }
  const scheme = options?.scheme ?? oaepSha256
  const key = await importPublicKey(publicKey)
  const data = new TextEncoder().encode(payload)
  try {
    if (data.length > key.maxPayloadBytes) {
      throw new FincodeSecureError(
        'ERR_PAYLOAD_TOO_LARGE',
        `payload is ${data.length} bytes of UTF-8; a ${key.modulusLength}-bit key takes at most ${key.maxPayloadBytes}. Encrypt each sensitive field alone, never a whole body.`,
      )
    }
    return toBase64(new Uint8Array(await scheme.encrypt(key, data)))
  } catch (cause) {
    if (cause instanceof FincodeSecureError) throw cause
    throw new FincodeSecureError('ERR_ENCRYPTION_FAILED', `${scheme.name} encryption failed; see cause.`, { cause })
  } finally {
    data.fill(0)
  }
}
