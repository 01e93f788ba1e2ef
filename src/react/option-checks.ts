import { checkOption } from '../forms/errors.js'
import type { UseEncryptedFieldOptions } from './types.js'

/** A mistake in the hook's options throws at render, naming the option. */
export function checkFieldOptions(options: UseEncryptedFieldOptions): void {
  const { name, validate, required } = options
  const where = 'useEncryptedField'
  checkOption(typeof name === 'string' && name !== '', where, 'options.name', 'a non-empty string', name)
  checkOption(validate === undefined || validate === null || typeof validate === 'function', where, 'options.validate', 'a function', validate)
  checkOption(required === undefined || typeof required === 'boolean' || typeof required === 'string', where, 'options.required', 'true, false or the message to show', required)
}
