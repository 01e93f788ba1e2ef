import { subtle } from './_subtle.js'
import type { FincodePublicKey } from './key.js'

/**
 * How a payload is padded and encrypted. The one table of algorithm
 * parameters: OAEP has a label hash and an MGF1 hash, and servers disagree on
 * the second (Java's default provider uses SHA-1 there, everything else SHA-256).
 */
export interface EncryptionScheme {
  /** Stable identifier, also what the sandbox reports as the decrypted variant. */
  readonly name: 'RSA-OAEP-256' | 'RSA-OAEP-256-MGF1-SHA1'
  /** The OAEP label hash: SHA-256 for every scheme. */
  readonly hash: 'SHA-256'
  /** The hash inside MGF1: SHA-256 by default, SHA-1 for `javaDefault` (Java's default provider). */
  readonly mgf1Hash: 'SHA-256' | 'SHA-1'
  /** Encrypts bytes that the caller has already checked against `key.maxPayloadBytes`. */
  encrypt(key: FincodePublicKey, data: Uint8Array): Promise<ArrayBuffer | Uint8Array>
}

/** Label hash length in bytes: fixes the payload limit, k − 2·32 − 2, for every scheme here. */
export const HASH_BYTES = 32

/** WebCrypto's RSA-OAEP: SHA-256 for both the label hash and MGF1. */
export const RSA_OAEP_PARAMS = { name: 'RSA-OAEP', hash: 'SHA-256' } as const

/** The default: native WebCrypto RSA-OAEP, SHA-256 with MGF1-SHA-256, as FinCode's docs specify. */
export const oaepSha256: EncryptionScheme = /* @__PURE__ */ Object.freeze({
  name: 'RSA-OAEP-256',
  hash: 'SHA-256',
  mgf1Hash: 'SHA-256',
  // subtle() rather than globalThis.crypto.subtle: an already imported key can
  // outlive WebCrypto (a stubbed or polyfilled global), and that must still be
  // ERR_WEBCRYPTO_UNAVAILABLE, not a TypeError reported as ERR_ENCRYPTION_FAILED.
  encrypt: (key: FincodePublicKey, data: Uint8Array) => subtle().encrypt(RSA_OAEP_PARAMS, key.cryptoKey, data as Uint8Array<ArrayBuffer>),
})
