export { encryptPayload, type EncryptOptions } from './encrypt.js'
export {
  FincodeSecureError,
  isFincodeSecureError,
  type FincodeClientErrorCode,
  type FincodeErrorCode,
  type FincodeFormErrorCode,
  type FincodeSecureErrorCode,
} from './errors.js'
export { encryptFields, SENSITIVE_FIELDS, type EncryptFieldsOptions } from './fields.js'
export { importPublicKey, type FincodePublicKey, type PublicKeyInput } from './key.js'
export { oaepSha256, type EncryptionScheme } from './scheme.js'
