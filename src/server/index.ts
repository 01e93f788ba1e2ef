// fincode-secure/server: FinCode's server-to-server API with an API token, and the
// server's half of key rotation (the key endpoint, forwarding page-made ciphertexts,
// the rotated-key answer; docs/key-rotation.md). fetch + WebCrypto only: Node, Deno,
// Bun, Cloudflare Workers and edge runtimes.
export {
  createFincodeClient,
  type FincodeClient,
  type FincodeClientOptions,
  type HttpMethod,
  type OutgoingRequest,
  type PublicKeySource,
  type RequestOptions,
  type TokenContext,
  type TokenSource,
} from './client.js'
export { createPublicKeyHandler } from './key-handler.js'
export { keyRotatedAnswer, keyRotatedResponse, type KeyRotatedCheck } from './key-rotated-answer.js'
export { readEncryptedFields, type ReadEncryptedFieldsOptions, type ReadEncryptedFieldsResult } from './forward.js'
export type { KeyRotatedAnswer } from '../key-rotated.js'
export { FincodeApiError, isFincodeApiError, type FincodeApiErrorCode } from './api-error.js'
export { FincodeSecureError, isFincodeSecureError, type FincodeClientErrorCode, type FincodeSecureErrorCode } from '../errors.js'
export { SENSITIVE_FIELDS } from '../fields.js'
