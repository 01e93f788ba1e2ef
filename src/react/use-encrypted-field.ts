import { useLayoutEffect, useMemo, useState } from 'react'
import { optionInvalid } from './errors.js'
import { FieldController, INITIAL_VIEW } from './field-controller.js'
import { submitHandlers } from './submit.js'
import type { EncryptedField, UseEncryptedFieldOptions } from './types.js'

/** Internal: the controller behind a field object, for useEncryptedFields. Not enumerable, so spreading a field never copies it. */
export const CONTROLLER = Symbol('fincode-secure.controller')

export function controllerOf(field: EncryptedField): FieldController {
  const controller = (field as unknown as Record<symbol, FieldController | undefined>)[CONTROLLER]
  if (!controller) throw optionInvalid('useEncryptedFields: each field must be the object useEncryptedField() returned.')
  return controller
}

function checkOptions(options: UseEncryptedFieldOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw optionInvalid('useEncryptedField(options): options must be an object such as { publicKey, name: "transactionPin" }.')
  }
  if (typeof options.name !== 'string' || !options.name) {
    throw optionInvalid('useEncryptedField: options.name must be a non-empty string, the form field name the ciphertext is submitted under, such as "transactionPin".')
  }
  if (options.validate !== undefined && typeof options.validate !== 'function') {
    throw optionInvalid('useEncryptedField: options.validate must be a function (value) => message | null.')
  }
}

/**
 * An encrypted form field. The plaintext lives only in the visible, nameless,
 * uncontrolled input; React state holds the status and the ciphertext. Typing
 * renders nothing (once at most, to clear an old ciphertext or error).
 */
export function useEncryptedField(options: UseEncryptedFieldOptions): EncryptedField {
  checkOptions(options)
  const [view, setView] = useState(INITIAL_VIEW)
  const [controller] = useState(() => new FieldController())
  const [handlers] = useState(() => ({
    ...submitHandlers(() => [controller]),
    encrypt: () => controller.encrypt(),
    reset: () => controller.reset(),
  }))

  // Layout effects, not passive ones: a new key must invalidate the old ciphertext
  // before any event can submit it. React 19 runs none of this on the server.
  useLayoutEffect(() => controller.mount(setView), [controller])
  useLayoutEffect(() => controller.configure(options))

  const { name, required } = options
  const invalid = view.status === 'error' && view.error?.code === 'ERR_VALUE_INVALID'
  const inputProps = useMemo(
    () => ({ ref: controller.attachInput, type: 'password', inputMode: 'numeric', autoComplete: 'off', 'aria-invalid': invalid, 'aria-required': !!required }) as const,
    [controller, invalid, required],
  )
  const hiddenInputProps = useMemo(
    () => ({ ref: controller.attachHidden, type: 'hidden', name, value: view.ciphertext }) as const,
    [controller, name, view.ciphertext],
  )
  const error = view.error ?? view.keyError
  const field: EncryptedField = {
    name,
    inputProps,
    hiddenInputProps,
    status: view.keyError ? 'error' : view.status,
    error,
    validationMessage: error?.code === 'ERR_VALUE_INVALID' ? error.message : null,
    fingerprint: view.fingerprint,
    ciphertext: view.ciphertext,
    ...handlers,
  }
  Object.defineProperty(field, CONTROLLER, { value: controller, enumerable: false })
  return field
}
