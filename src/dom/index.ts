// fincode-secure/dom: encrypted fields for any <form>, without a framework (plain
// HTML, Vue, Svelte, Angular). A thin binding of the forms controller (src/forms),
// the same one behind fincode-secure/react.
export { encryptForm, type EncryptedForm, type EncryptFormOptions, type EncryptFormFieldOptions, type SubmitOutcome } from './encrypt-form.js'
export type { FincodeFormError } from '../forms/errors.js'
export type { FormMessages } from '../forms/messages.js'
export type { EncryptedValues } from '../forms/submit.js'
export { createFincodeKeySource, type FincodeKeySource, type FincodeKeySnapshot, type FincodeKeyError } from '../page/key-source.js'
export type { KeyRetry } from '../page/recover.js'
export {
  FincodeSecureError,
  isFincodeSecureError,
  type FincodeClientErrorCode,
  type FincodeErrorCode,
  type FincodeFormErrorCode,
  type FincodeSecureErrorCode,
} from '../errors.js'
