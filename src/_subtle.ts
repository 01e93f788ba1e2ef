import { FincodeSecureError } from './errors.js'

/** `crypto.subtle`, looked up on each use so a test or polyfill can provide it late. */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) {
    throw new FincodeSecureError(
      'ERR_WEBCRYPTO_UNAVAILABLE',
      'crypto.subtle is missing: browsers offer WebCrypto only to pages on https:// and localhost.',
    )
  }
  return s
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
