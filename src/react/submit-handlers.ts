// The React side of submission: onSubmit (native posts), handleSubmit (a
// handler), action and actionState (React 19 actions), over the forms
// controller's submission, which does the work.
import { startTransition } from 'react'
import type { FieldController } from '../forms/field.js'
import { holdNativeSubmit, submitValues, wasRefused, withFormFields, type EncryptedValues } from '../forms/submit.js'
import type { EncryptedSubmit } from './types.js'

/** Puts the ciphertexts (and the key's fingerprint) into the action's FormData. */
function fill(formData: FormData, values: EncryptedValues): FormData {
  for (const [name, value] of Object.entries(values)) formData.set(name, value)
  return formData
}

/**
 * Calls `fn` inside a transition, as `useActionState`'s dispatch requires: the
 * library calls it after encrypting, outside the transition React started.
 */
function inTransition<R>(fn: () => R): R {
  let result: R | undefined
  startTransition(() => {
    result = fn()
  })
  return result as R
}

/** The submit handlers over `seed()` and every other encrypted field in the same form. */
export function submitHandlers(seed: () => FieldController[], reset: () => void): EncryptedSubmit {
  const fields = () => withFormFields(seed())
  return {
    onSubmit(event) {
      if (wasRefused(event.nativeEvent)) return // canceled as the form saw it: the reason is on the fields
      void holdNativeSubmit(event.nativeEvent as SubmitEvent, fields())
    },
    handleSubmit: (fn) => async (event) => {
      event?.preventDefault()
      if (wasRefused(event?.nativeEvent)) return // refused as the form saw it: the reason is on the fields
      await submitValues(fields(), (values) => fn(values, event))
    },
    action: (fn) => async (formData) => {
      const submitted = fields()
      // Leave the transition's synchronous scope first, so that status renders now; useFormStatus stays pending.
      await Promise.resolve()
      await submitValues(submitted, (values) => inTransition(() => fn(fill(formData, values))))
    },
    actionState: (fn) => async (previous, formData) => {
      const outcome = await submitValues(fields(), (values) => fn(previous, fill(formData, values)))
      return outcome ? outcome.result : previous
    },
    reset,
  }
}
