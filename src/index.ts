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
export { isKeyRotatedAnswer, readKeyRotated, type KeyRotatedAnswer } from './key-rotated.js'
export { oaepSha256, type EncryptionScheme } from './scheme.js'
export {
  createFincodeKeySource,
  fixedKeySource,
  type FincodeKeyEndpointBody,
  type FincodeKeyError,
  type FincodeKeyLoader,
  type FincodeKeyRefreshOptions,
  type FincodeKeySnapshot,
  type FincodeKeySource,
  type FincodeKeySourceOptions,
  type FincodeKeyStatus,
} from './page/key-source.js'
export { KEY_FINGERPRINT_FIELD, submitWithKeyRecovery, type KeyRetry, type SentValues, type SubmitWithKeyRecoveryOptions } from './page/recover.js'
