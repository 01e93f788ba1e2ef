// fincode-secure/server: FinCode's server-to-server API with an API token.
// fetch + WebCrypto only: Node, Deno, Bun and Cloudflare Workers.
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
export { FincodeApiError, isFincodeApiError, type FincodeApiErrorCode } from './api-error.js'
export { FincodeSecureError, isFincodeSecureError, type FincodeClientErrorCode, type FincodeSecureErrorCode } from '../errors.js'
export { SENSITIVE_FIELDS } from '../fields.js'
