// fincode-secure/react: encrypted form fields for React 19, a thin adapter over
// the framework-free forms controller (src/forms). The core entry
// ('fincode-secure') never imports React; this entry imports the core.
export { EncryptedInput, type EncryptedInputComponentProps } from './encrypted-input.js'
export { useEncryptedField } from './use-encrypted-field.js'
export { useEncryptedFields } from './use-encrypted-fields.js'
export type {
  EncryptedField,
  EncryptedFieldStatus,
  EncryptedFields,
  EncryptedHiddenInputProps,
  EncryptedInputProps,
  EncryptedSubmit,
  EncryptedValues,
  FincodeFormError,
  FormMessages,
  KeyRetry,
  UseEncryptedFieldOptions,
  UseEncryptedFieldsOptions,
} from './types.js'
export {
  FincodeSecureError,
  isFincodeSecureError,
  type FincodeClientErrorCode,
  type FincodeErrorCode,
  type FincodeFormErrorCode,
  type FincodeSecureErrorCode,
} from '../errors.js'
export { FincodeKeyProvider, useFincodeKey, type FincodeKey, type FincodeKeyProviderProps } from './key-provider.js'
