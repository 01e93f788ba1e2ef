// Submission for one or several encrypted fields: onSubmit (native posts),
// handleSubmit (a handler), action (React 19 form actions). The rule in every
// path: what is submitted is the encryption, with the current key, of what the
// visible inputs hold when the submission proceeds; then the inputs are emptied.
import type { FormEvent } from 'react'
import type { FincodeSecureError } from '../errors.js'
import { asFincodeError } from './errors.js'
import { liveFields, type FieldController } from './field-controller.js'
import type { EncryptedSubmit, EncryptedValues } from './types.js'

/** Checks several fields together (useEncryptedFields' validate). */
export interface GroupCheck {
  readonly fields: readonly FieldController[]
  check(values: Readonly<Record<string, string>>): FincodeSecureError | null
  fail(error: FincodeSecureError): void
  clear(): void
}

export type Outcome = { values: EncryptedValues; error?: undefined } | { values?: undefined; error: FincodeSecureError | null }

/** Forms being submitted again by us: their submit event must go through untouched (this is the loop guard). */
const passing = new WeakSet<HTMLFormElement>()
/** Forms whose held submission is being encrypted: a second click is absorbed, not queued. */
const holding = new WeakSet<HTMLFormElement>()

/** The seed fields, every encrypted field in `form`, and the other members of their groups. */
export function fieldsOf(seed: readonly FieldController[], form: HTMLFormElement | null): FieldController[] {
  const found = new Set(seed)
  if (form) for (const field of liveFields) if (field.input?.form === form) found.add(field)
  for (const field of [...found]) for (const member of groupOf(field)?.fields ?? []) found.add(member)
  return [...found]
}

function groupOf(field: FieldController): GroupCheck | null {
  return field.group as GroupCheck | null
}

function formOf(fields: readonly FieldController[]): HTMLFormElement | null {
  for (const field of fields) if (field.input?.form) return field.input.form
  return null
}

function collect(fields: readonly FieldController[]): EncryptedValues {
  const values: EncryptedValues = {}
  for (const field of fields) values[field.name] = field.currentCiphertext()
  return values
}

/**
 * Checks, then encrypts every field's current value. Fields edited or re-keyed
 * while that runs are encrypted again, so the values returned are always those
 * of the inputs now. `error: null` means a field went away (unmounted) meanwhile.
 */
export async function prepare(fields: readonly FieldController[]): Promise<Outcome> {
  const groups = [...new Set(fields.map(groupOf).filter((g): g is GroupCheck => g !== null))]
  for (let round = 0; round < 20; round++) {
    const snapshot = fields.map((field) => ({ field, value: field.value(), version: field.version, seq: field.begin() }))
    let firstError: FincodeSecureError | null = null
    for (const { field, value } of snapshot) {
      const problem = field.check(value)
      if (problem) {
        field.fail(problem)
        firstError ??= problem
      }
    }
    for (const group of groups) {
      group.clear()
      if (firstError) continue
      const plain: Record<string, string> = {}
      for (const { field, value } of snapshot) if (group.fields.includes(field)) plain[field.name] = value
      const problem = group.check(plain)
      if (problem) {
        group.fail(problem)
        firstError ??= problem
      }
    }
    if (firstError) return { error: firstError }

    for (const { field, value } of snapshot) if (value !== '') field.encrypting()
    const results = await Promise.allSettled(snapshot.map(({ field, value }) => field.encryptValue(value)))
    if (fields.some((field) => !field.mounted)) return { error: null }
    if (snapshot.some(({ field, version }, i) => field.version !== version || (results[i]!.status === 'fulfilled' && results[i]!.value.keyGen !== field.keyGen))) {
      continue // typed or re-keyed meanwhile: encrypt what is there now
    }
    let failed: FincodeSecureError | null = null
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        const error = asFincodeError(result.reason)
        snapshot[i]!.field.fail(error)
        failed ??= error
      }
    })
    if (failed) return { error: failed }
    const values: EncryptedValues = {}
    results.forEach((result, i) => {
      const { field } = snapshot[i]!
      const { ciphertext, keyGen } = (result as PromiseFulfilledResult<{ ciphertext: string; keyGen: number }>).value
      field.keep(ciphertext, keyGen)
      values[field.name] = ciphertext
    })
    return { values }
  }
  const error = asFincodeError(new Error('the fields kept changing while they were encrypted'))
  for (const field of fields) field.fail(error)
  return { error }
}

function handOff(fields: readonly FieldController[]): void {
  for (const field of fields) field.handOff()
}

function spent(fields: readonly FieldController[], values: EncryptedValues): void {
  for (const field of fields) field.spent(values[field.name] ?? '')
}

/** A submit button of `form` that may be passed to requestSubmit(), if the event names one. */
function submitterOf(event: FormEvent<HTMLFormElement>, form: HTMLFormElement): HTMLElement | undefined {
  const submitter = (event.nativeEvent as SubmitEvent | undefined)?.submitter as (HTMLButtonElement | HTMLInputElement | null | undefined)
  if (!submitter || submitter === (form as unknown) || submitter.form !== form) return
  return submitter.type === 'submit' || submitter.type === 'image' ? submitter : undefined
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** Encrypts, fills the hidden inputs, then submits `form` again; the visible inputs are emptied once it really was submitted. */
async function submitAgain(form: HTMLFormElement, fields: readonly FieldController[], submitter: HTMLElement | undefined): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { values } = await prepare(fields)
    if (!values) return
    // A new task first: requestSubmit() does nothing while the form is still firing the submit event
    // that was held, and in Chromium a fast encryption can end within that event's dispatch (there are
    // microtask checkpoints between the listeners of an event from user input, such as Enter).
    await nextTask()
    if (!form.isConnected || fields.some((field) => !field.mounted)) return
    if (!fields.every((field) => field.holds(values[field.name] ?? ''))) continue // typed or re-keyed meanwhile
    let submitted = false
    const seen = () => void (submitted = true)
    form.addEventListener('submit', seen, { capture: true })
    passing.add(form)
    try {
      if (submitter?.isConnected) form.requestSubmit(submitter)
      else form.requestSubmit()
    } finally {
      passing.delete(form)
      form.removeEventListener('submit', seen, { capture: true })
    }
    // Not submitted: the browser's constraint validation stopped it (another field is invalid).
    // The user corrects that field and submits again; their PIN is still in the visible input.
    if (!submitted) return
    // After requestSubmit(), which reads the form data synchronously: the visible inputs' own
    // constraints (if the app added any) were checked against what the user typed.
    handOff(fields)
    spent(fields, values)
    return
  }
}

/** onSubmit, handleSubmit and action over the fields `seed()` returns (plus the other encrypted fields of the same form). */
export function submitHandlers(seed: () => readonly FieldController[]): Omit<EncryptedSubmit, 'reset'> {
  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    const form = event.currentTarget
    const fields = fieldsOf(seed(), form)
    // The form data is built after the submit event: a name put back by React is removed in time.
    for (const field of fields) field.stripName()
    if (passing.has(form)) return // our own requestSubmit(): the hidden inputs are filled
    if (fields.every((field) => field.isEmptyAndOptional())) return
    // Hold the native submission: the hidden inputs do not hold this value's ciphertext yet.
    event.preventDefault()
    if (holding.has(form)) return
    holding.add(form)
    void submitAgain(form, fields, submitterOf(event, form))
      .catch((error: unknown) => {
        for (const field of fields) field.fail(asFincodeError(error)) // unexpected (a DOM exception): shown, not lost
      })
      .finally(() => holding.delete(form))
  }

  const handleSubmit: EncryptedSubmit['handleSubmit'] = (fn) => async (event) => {
    event?.preventDefault()
    const fields = fieldsOf(seed(), event?.currentTarget ?? null)
    for (const field of fields) field.stripName()
    const { values } = await prepare(fields)
    if (!values) return
    handOff(fields)
    try {
      await fn(values, event) // the hidden inputs still hold the ciphertexts, for handlers that read the form
    } finally {
      spent(fields, values)
    }
  }

  const action: EncryptedSubmit['action'] = (fn) => async (formData) => {
    const fields = fieldsOf(seed(), formOf(seed()))
    const form = formOf(fields)
    // React built this FormData from the form: if a name was spread onto a visible input, drop its entry.
    for (const field of fields) {
      const name = field.stripName()
      if (name !== null) formData.delete(name)
    }
    // Our onSubmit's requestSubmit() runs this action synchronously, hidden inputs filled: use them.
    let values: EncryptedValues | undefined = form && passing.has(form) ? collect(fields) : undefined
    if (!values) {
      // Leave the transition's synchronous scope first, so that status updates render now
      // instead of waiting for the whole action; useFormStatus stays pending meanwhile.
      await Promise.resolve()
      values = (await prepare(fields)).values
      if (!values) {
        for (const field of fields) field.keepErrorOnReset = true
        return
      }
      handOff(fields)
    }
    for (const [name, ciphertext] of Object.entries(values)) formData.set(name, ciphertext)
    try {
      await fn(formData)
    } finally {
      spent(fields, values)
    }
  }

  return { onSubmit, handleSubmit, action }
}
