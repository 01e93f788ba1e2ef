import { fieldsOf, refuseSubmit } from './submit.js'

const guarded = new WeakSet<HTMLFormElement>()

/**
 * Listens for submit events on the <form> element itself. A listener there runs
 * before React's, which sits on the root and runs a form action only for an
 * event not already canceled: a refused submission runs no action and resets
 * nothing, whatever way the form is submitted. One listener per form, for the
 * form's life; it looks up the form's fields on each submit, so once they are
 * all gone it does nothing.
 */
export function guardForm(form: HTMLFormElement): void {
  if (guarded.has(form)) return
  guarded.add(form)
  form.addEventListener('submit', (event) => {
    if (event.target === form) refuseSubmit(event, fieldsOf(form))
  })
}
