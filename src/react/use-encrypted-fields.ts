import type { FincodeFormError } from '../forms/errors.js'
import { checkOption } from '../forms/errors.js'
import type { FieldController, FieldGroup } from '../forms/field.js'
import { encryptFields } from '../forms/submit.js'
import { runValidator } from '../forms/validate.js'
import { submitHandlers } from './submit-handlers.js'
import type { EncryptedField, EncryptedFields, EncryptedSubmit, EncryptedValues, UseEncryptedFieldsOptions } from './types.js'
import { summary, useController } from './use-controller.js'
import { fieldsByEncrypt } from './use-encrypted-field.js'

interface GroupBinding extends FieldGroup {
  validate?: UseEncryptedFieldsOptions['validate']
  fields: FieldController[]
  encrypt: () => Promise<EncryptedValues>
  handlers: EncryptedSubmit
}

function createGroup(render: () => void): GroupBinding {
  const group: GroupBinding = {
    fields: [],
    error: null,
    check(submitted) {
      const plaintexts = Object.fromEntries(submitted.map((field) => [field.options.name, field.value]))
      return runValidator(group.validate, plaintexts, Object.values(plaintexts), submitted[0]!.messages)
    },
    // Called on every keystroke: renders only when the error changes.
    setError(error: FincodeFormError | null) {
      if (error === group.error) return
      group.error = error
      render()
    },
    encrypt: () => encryptFields(group.fields, true),
    handlers: submitHandlers(
      () => [...group.fields],
      () => {
        group.setError(null)
        for (const field of group.fields) field.clear()
      },
    ),
  }
  return group
}

function checkFields(fields: readonly EncryptedField[]): void {
  const names: string[] = []
  for (const field of fields) {
    const known = fieldsByEncrypt.has(field?.encrypt)
    const unique = known && !names.includes(field.name)
    checkOption(unique, 'useEncryptedFields', 'fields', 'useEncryptedField() results with unique names', known ? field.name : field)
    names.push(field.name)
  }
}

/**
 * Several encrypted fields submitted together (current PIN, new PIN, confirmation):
 * one submit handler, one status, and a check across the fields before any of
 * them is encrypted.
 *
 * @example
 * ```ts
 * const form = useEncryptedFields([current, next, confirm], {
 *   validate: (pins) => (pins.newPin === pins.newPinConfirmation ? null : 'The new PINs do not match.'),
 * })
 * // <form onSubmit={form.handleSubmit((ciphertexts) => save(ciphertexts))}>
 * ```
 */
export function useEncryptedFields(fields: readonly EncryptedField[], options: UseEncryptedFieldsOptions = {}): EncryptedFields {
  checkFields(fields)
  const group = useController(createGroup, (group) => {
    group.validate = options.validate
    group.fields = fields.map((field) => fieldsByEncrypt.get(field.encrypt)!)
    for (const field of group.fields) field.group = group
  })
  const error = group.error ?? fields.find((field) => field.error)?.error ?? null
  return {
    ...summary(
      error,
      fields.some((field) => field.status === 'encrypting'),
      fields.every((field) => field.status === 'ready'),
      fields.some((field) => field.status === 'retrying'),
    ),
    encrypt: group.encrypt,
    ...group.handlers,
  }
}
