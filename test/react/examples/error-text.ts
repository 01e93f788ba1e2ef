// Example: one text for every failure a field can report (docs/react.md, README.md React section).
// `error.code` is one union of the library's codes, so the switch is checked by TypeScript.
import type { FincodeFormError } from '../../../src/react/index.js'

export function errorText(error: FincodeFormError): string {
  switch (error.code) {
    case 'ERR_VALUE_INVALID':
      return error.message // `required` or your `validate()`: written for the user, never holding the value
    case 'ERR_KEY_MISSING':
      return 'Still loading, please try again in a moment.'
    case 'ERR_WEBCRYPTO_UNAVAILABLE':
      return 'This page must be opened over https.'
    case 'ERR_KEY_INVALID':
    case 'ERR_KEY_PRIVATE':
    case 'ERR_KEY_UNSUPPORTED':
    case 'ERR_KEY_TOO_SMALL':
      return 'Payments are unavailable right now (encryption key).' // a setup problem: error.message says what to fix
    default:
      return 'Something went wrong, please try again.'
  }
}
