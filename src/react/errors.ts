import { FincodeSecureError, isFincodeSecureError } from '../errors.js'

export function valueInvalid(message: string): FincodeSecureError {
  return new FincodeSecureError('ERR_VALUE_INVALID', message)
}

export function keyMissing(name: string, key: null | undefined): FincodeSecureError {
  return new FincodeSecureError(
    'ERR_KEY_MISSING',
    `The publicKey for "${name}" has not loaded yet (it is ${key === null ? 'null' : 'undefined'}), so nothing was encrypted or submitted. Submit again once the key has loaded.`,
  )
}

export function optionInvalid(message: string): FincodeSecureError {
  // Same code the core uses for a bad `options.fields`: the caller passed something unusable.
  return new FincodeSecureError('ERR_PAYLOAD_INVALID', message)
}

/** Every failure the hook stores is a FincodeSecureError; anything else becomes one, kept as `cause`. */
export function asFincodeError(error: unknown): FincodeSecureError {
  if (isFincodeSecureError(error)) return error
  return new FincodeSecureError('ERR_ENCRYPTION_FAILED', 'Encryption failed; see cause.', { cause: error })
}

const WITHHELD = 'This value is not accepted.'

/**
 * Runs an app-supplied validator. Its message ends up in state and, often, in logs
 * and error reports, so one that repeats the value is replaced; a validator that
 * throws is reported without its exception, whose text may hold the value too.
 */
export function runValidator<T>(validate: ((input: T) => unknown) | undefined, input: T, secrets: readonly string[], who: string): FincodeSecureError | null {
  if (!validate) return null
  let message: unknown
  try {
    message = validate(input)
  } catch {
    return valueInvalid(`${who} threw an exception; it is not shown because it may contain the value. Return a message instead of throwing.`)
  }
  if (message === null || message === undefined || message === '') return null
  if (typeof message !== 'string' || secrets.some((s) => s !== '' && message.includes(s))) return valueInvalid(WITHHELD)
  return valueInvalid(message)
}
