// fincode-secure/react: encrypted form fields for React 19. The core entry
// ('fincode-secure') never imports React; this entry imports the core.
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
  UseEncryptedFieldOptions,
  UseEncryptedFieldsOptions,
} from './types.js'
export { FincodeSecureError, isFincodeSecureError, type FincodeFormErrorCode, type FincodeSecureErrorCode } from '../errors.js'
export { FincodeKeyProvider, useFincodeKey, type FincodeKey, type FincodeKeyProviderProps } from './key-provider.js'
