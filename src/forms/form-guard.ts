import type { FieldController } from './field.js'
import { attachedFields } from './registry.js'
import { refuseSubmit } from './submit.js'

/** The attached encrypted fields of a form. */
export function fieldsOf(form: HTMLFormElement): FieldController[] {
  return [...attachedFields].filter((field) => field.input?.form === form)
}

const guards = new WeakMap<HTMLFormElement, { users: number; stop: () => void }>()

/**
 * Listens for submit events on the <form> element itself. A listener there runs
 * before React's, which sits on the root and runs a form action only for an
 * event not already canceled: a refused submission runs no action and resets
 * nothing, whatever way the form is submitted. One listener per form, however
 * many fields; the returned function releases this field's use of it.
 */
export function guardForm(form: HTMLFormElement): () => void {
  let guard = guards.get(form)
  if (!guard) {
    const listener = (event: Event) => {
      if (event.target === form) refuseSubmit(event, fieldsOf(form))
    }
    form.addEventListener('submit', listener)
    guard = { users: 0, stop: () => form.removeEventListener('submit', listener) }
    guards.set(form, guard)
  }
  const current = guard
  current.users++
  return () => {
    current.users--
    if (current.users > 0) return
    current.stop()
    guards.delete(form)
  }
}
