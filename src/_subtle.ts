import { FincodeSecureError } from './errors.js'

/** `crypto.subtle`, looked up on each use so a test or polyfill can provide it late. */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) {
    throw new FincodeSecureError(
      'ERR_WEBCRYPTO_UNAVAILABLE',
      'crypto.subtle is not available. Browsers offer WebCrypto only on secure pages: serve this page over https:// (or http://localhost in development).',
    )
  }
  return s
}

export function hex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0')
  return out
}
