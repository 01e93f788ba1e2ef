import { check } from './errors.js'
import { controllers, reset, type Group } from './field-controller.js'
import { prepare, submitHandlers } from './submit.js'
import type { EncryptedField, EncryptedFields, UseEncryptedFieldsOptions } from './types.js'
import { summary, useController } from './use-controller.js'

function createGroup(render: () => void): Group {
  const group: Group = {
    fields: [],
    // Called on every keystroke: renders only when the message changes.
    setError: (error) => error != group.error && ((group.error = error), render()),
    api: {
      ...submitHandlers(
        () => [...group.fields],
        () => {
          group.setError()
          group.fields.forEach(reset)
        },
      ),
      encrypt: () => prepare(group.fields),
    },
  }
  return group
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
  const names: string[] = []
  for (const field of fields) {
    const ok = controllers.has(field?.encrypt)
    check(ok && !names.includes(field.name), 'useEncryptedFields: fields must be useEncryptedField() results with unique names', ok ? field.name : field)
    names.push(field.name)
  }
  const group = useController(createGroup, (group) => {
    group.validate = options.validate
    group.fields = fields.map((field) => controllers.get(field.encrypt)!)
    for (const f of group.fields) f.group = group
  })
  return {
    ...summary(
      group.error || fields.find((field) => field.error)?.error,
      fields.some((field) => field.status == 'encrypting'),
      fields.every((field) => field.status == 'ready'),
    ),
    ...group.api,
  }
}
