import type { FieldController } from './field.js'

/** Every field whose visible input is attached: a submission finds the other encrypted fields of its form here. */
export const attachedFields = new Set<FieldController>()
