import { checkOption } from '../forms/errors.js'
import type { UseEncryptedFieldOptions } from './types.js'

const isOptional = (value: unknown, type: 'function' | 'object' | 'string') => value === undefined || value === null || typeof value === type

/** A mistake in the hook's options throws at render, naming the option. */
export function checkFieldOptions(options: UseEncryptedFieldOptions): void {
  const { name, validate, required, messages, inputMode } = options
  checkOption(typeof name === 'string' && name !== '', 'useEncryptedField: options.name must be a non-empty string', name)
  checkOption(isOptional(validate, 'function'), 'useEncryptedField: options.validate must be a function', validate)
  checkOption(
    required === undefined || typeof required === 'boolean' || typeof required === 'string',
    'useEncryptedField: options.required must be true, false or the message to show',
    required,
  )
  checkOption(isOptional(messages, 'object'), 'useEncryptedField: options.messages must be an object of messages', messages)
  checkOption(isOptional(inputMode, 'string'), "useEncryptedField: options.inputMode must be 'numeric' or 'text'", inputMode)
}
