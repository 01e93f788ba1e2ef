import { useLayoutEffect, useState } from 'react'
import type { FincodeSecureError } from '../errors.js'
import { asFincodeError, optionInvalid, runValidator } from './errors.js'
import type { FieldController, FieldGroup } from './field-controller.js'
import { prepare, submitHandlers, type GroupCheck } from './submit.js'
import type { EncryptedField, EncryptedFields, EncryptedValues, UseEncryptedFieldsOptions } from './types.js'
import { controllerOf } from './use-encrypted-field.js'

class GroupController implements FieldGroup, GroupCheck {
  fields: readonly FieldController[] = []
  options: UseEncryptedFieldsOptions = {}
  error: FincodeSecureError | null = null
  private publish: ((error: FincodeSecureError | null) => void) | null = null

  mount(publish: (error: FincodeSecureError | null) => void): () => void {
    this.publish = publish
    publish(this.error)
    return () => {
      this.publish = null
    }
  }

  /** Joins the fields to this group, so that any submit path that reaches one of them also runs the group's check. */
  attach(fields: readonly FieldController[]): () => void {
    this.fields = fields
    for (const field of fields) field.group = this
    return () => {
      for (const field of fields) if (field.group === this) field.group = null
    }
  }

  check(values: Readonly<Record<string, string>>): FincodeSecureError | null {
    return runValidator(this.options.validate, values, Object.values(values), 'useEncryptedFields validate()')
  }

  fail(error: FincodeSecureError): void {
    this.set(error)
  }

  clear(): void {
    this.set(null)
  }

  edited(): void {
    this.set(null)
  }

  private set(error: FincodeSecureError | null): void {
    if (this.error === error) return
    this.error = error
    this.publish?.(error)
  }
}

/**
 * Several encrypted fields submitted together (current PIN, new PIN, confirmation):
 * one submit handler, one status, and a check across the fields before any of
 * them is encrypted. Pass the same fields, in the same order, on every render.
 */
export function useEncryptedFields(fields: readonly EncryptedField[], options: UseEncryptedFieldsOptions = {}): EncryptedFields {
  if (!Array.isArray(fields) || fields.length === 0) throw optionInvalid('useEncryptedFields(fields): fields must be a non-empty array of useEncryptedField() results.')
  const names = fields.map((field) => field.name)
  if (new Set(names).size !== names.length) throw optionInvalid(`useEncryptedFields: field names must be unique, got ${names.map((n) => `"${n}"`).join(', ')}.`)
  if (options.validate !== undefined && typeof options.validate !== 'function') {
    throw optionInvalid('useEncryptedFields: options.validate must be a function (values) => message | null.')
  }
  const controllers = fields.map(controllerOf)
  const [groupError, setGroupError] = useState<FincodeSecureError | null>(null)
  const [group] = useState(() => new GroupController())
  const [handlers] = useState(() => ({
    ...submitHandlers(() => group.fields),
    encrypt: async (): Promise<EncryptedValues> => {
      const { values, error } = await prepare(group.fields)
      if (values) return values
      throw error ?? asFincodeError(new Error('a field was unmounted while it was encrypted'))
    },
    reset: () => {
      group.clear()
      for (const field of group.fields) field.reset()
    },
  }))

  useLayoutEffect(() => group.mount(setGroupError), [group])
  useLayoutEffect(() => {
    group.options = options
  })
  // Re-attach only when the set of fields changes (their controllers are stable).
  useLayoutEffect(() => group.attach(controllers), [group, ...controllers]) // eslint-disable-line react-hooks/exhaustive-deps

  const error = groupError ?? fields.find((field) => field.error)?.error ?? null
  const status = error
    ? 'error'
    : fields.some((field) => field.status === 'encrypting')
      ? 'encrypting'
      : fields.every((field) => field.status === 'ready')
        ? 'ready'
        : 'idle'
  return {
    status,
    error,
    validationMessage: error?.code === 'ERR_VALUE_INVALID' ? error.message : null,
    ...handlers,
  }
}
