// Submission of one or several encrypted fields, for every binding: a native
// post held until it is encrypted, and the app's own function (a handler, an
// action). The rule in every path: what is submitted is the encryption, with
// the current key, of what the visible inputs hold when the submission
// proceeds; the inputs are emptied only once it went out or the app's function
// resolved, and a refused submission keeps what was typed. With a key source,
// when the app's function reports a rotated key, the submission recovers once,
// by itself (src/page/recover.ts, reached through the key source).
import { encryptText } from '../encrypt.js'
import { FincodeSecureError } from '../errors.js'
import type { FincodePublicKey } from '../key.js'
import { recoveryOf } from '../page/recovering-sources.js'
import { KEY_FINGERPRINT_FIELD } from '../page/recover.js'
import type { FincodeFormError } from './errors.js'
import type { FieldController } from './field.js'
import { attachedFields } from './registry.js'

/** Ciphertexts by field name, e.g. `{ transactionPin: 'kq3…==' }`; submissions add `fincodeKeyFingerprint`. */
export type EncryptedValues = Record<string, string>

/** `fields` plus every other attached encrypted field of the same form, in the order they were attached. */
export function withFormFields(fields: FieldController[]): FieldController[] {
  const form = fields.find((field) => field.input?.form)?.input?.form
  if (!form) return fields
  return [...fields, ...fieldsOf(form).filter((field) => !fields.includes(field))]
}

/** The attached encrypted fields of a form. */
export function fieldsOf(form: HTMLFormElement): FieldController[] {
  return [...attachedFields].filter((field) => field.input?.form === form)
}

/**
 * The checks that need no WebCrypto, on every field (so that each failing one is
 * marked), then the groups' checks. Returns the first refusal, or null.
 * With `focus`, the first failing field gets the focus.
 */
export function refuse(fields: FieldController[], options: { groups: boolean; focus: boolean }): FincodeFormError | null {
  let first: FincodeFormError | null = null
  let firstField: FieldController | null = null
  for (const field of fields) {
    const error = field.check()
    if (!error) continue
    field.show('', error)
    if (!first) {
      first = error
      firstField = field
    }
  }
  if (options.groups) {
    for (const group of new Set(fields.map((field) => field.group))) {
      if (!group) continue
      const error = first ? null : group.check(fields) // a field's own refusal comes first
      group.setError(error)
      if (error) {
        first = error
        firstField = fields.find((field) => field.group === group) ?? null
      }
    }
  }
  if (first && options.focus) firstField?.input?.focus()
  return first
}

/** Encrypts `plaintext` for `field`, showing the result while it is still what the input holds and the key is the same. */
async function encryptOne(field: FieldController, plaintext: string, keyVersion: number): Promise<string> {
  if (!plaintext) return ''
  const isCurrent = () => field.keyVersion === keyVersion && field.value === plaintext
  field.show(field.ciphertext, null, true)
  try {
    const key = await field.loadKey()
    const ciphertext = await encryptText(plaintext, key, { scheme: field.options.scheme })
    if (isCurrent()) field.show(ciphertext)
    return ciphertext
  } catch (thrown) {
    if (field.keyVersion !== keyVersion) return '' // made with a replaced key: done again by the caller
    const error = thrown as FincodeFormError // loadKey() and encryptPayload() throw only FincodeSecureErrors
    if (isCurrent()) field.show('', error)
    throw error
  }
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve))

/**
 * Checks and encrypts every field; rejects with the first refusal. A result made
 * with a key replaced meanwhile is made again. For a submission (`submitting`),
 * fields edited meanwhile are done again too, so what it resolves to is the
 * encryption of what the inputs hold now; otherwise (encrypt()) it is the values
 * at the time of the call. `key`, when given, is the key every field uses from now on.
 */
export async function encryptFields(fields: FieldController[], submitting: boolean, key?: FincodePublicKey): Promise<EncryptedValues> {
  if (key) for (const field of fields) field.adopt(key)
  for (;;) {
    const plaintexts = fields.map((field) => field.value)
    const keyVersions = fields.map((field) => field.keyVersion)
    const refusal = refuse(fields, { groups: submitting, focus: submitting })
    if (refusal) throw refusal
    let ciphertexts: string[]
    try {
      ciphertexts = await Promise.all(fields.map((field, i) => encryptOne(field, plaintexts[i]!, keyVersions[i]!)))
    } catch (error) {
      if (submitting) fields.find((field) => field.error)?.input?.focus()
      throw error
    }
    if (fields.some((field, i) => field.keyVersion !== keyVersions[i])) continue
    const values = Object.fromEntries(fields.map((field, i) => [field.options.name, ciphertexts[i]!]))
    if (!submitting) return values
    // One macrotask before the last look: requestSubmit() does nothing while the held submit event
    // is still being dispatched, and in Chromium a fast encryption can end within it.
    await nextTask()
    if (fields.every((field, i) => field.ciphertext === ciphertexts[i] && field.value === plaintexts[i])) return values
  }
}

/** Empties the fields whose ciphertext is still the one submitted (an edit meanwhile keeps the new value). */
function clearSubmitted(fields: FieldController[], values: EncryptedValues): void {
  for (const field of fields) if (field.ciphertext && field.ciphertext === values[field.options.name]) field.clear()
}

/** Thrown inside a submission that already shows why it stopped (on the fields), or that was given up. */
const STOPPED = new Error('stopped')

function setRetrying(fields: FieldController[], retrying: boolean): void {
  for (const field of fields) {
    field.retrying = retrying
    field.changed()
  }
}

/**
 * Encrypts, calls the app's `fn` with the ciphertexts and `fincodeKeyFingerprint`
 * (the hidden inputs hold them too, for handlers that read the form), and empties
 * the inputs once `fn` resolved. Resolves to `{ result }`, or to null when the
 * submission was refused (the reason is on the fields: a check, a key that cannot
 * load, a stale server key) or a field was removed meanwhile. If `fn` throws
 * anything else, nothing is emptied and the exception is passed on.
 *
 * With a key source (a provider's, encryptForm's `keySource`), a rotated-key answer
 * from `fn` (returned, or ERR_KEY_ROTATED thrown) refreshes the key, encrypts the
 * inputs again with it and calls `fn` once more (the fields are `retrying`
 * meanwhile); a second refusal is the first field's error. A fixed key cannot be
 * refreshed: what `fn` returns or throws is the app's, as it came.
 */
export async function submitValues<R>(fields: FieldController[], fn: (values: EncryptedValues) => R): Promise<{ result: Awaited<R> } | null> {
  const first = fields[0]!
  const keySource = first.options.keySource
  const recover = keySource && recoveryOf.get(keySource)
  let sent: EncryptedValues = {}
  let thrownByApp: unknown
  // No key: the checks say why, in the order a user fixes things (required, validate, then the key).
  const current = () => first.loadKey().catch((error: FincodeFormError) => Promise.reject(refuse(fields, { groups: true, focus: true }) ? STOPPED : error))
  const encrypt = (key: FincodePublicKey) => encryptFields(fields, true, key).catch(() => Promise.reject(STOPPED))
  const send = async (values: EncryptedValues) => {
    if (fields.some((field) => !field.live)) throw STOPPED
    sent = values
    try {
      return await fn(values)
    } catch (error) {
      thrownByApp = error
      throw error
    }
  }
  try {
    let result: Awaited<R>
    if (recover) {
      result = await recover({
        keySource: { current, refresh: (options) => keySource.refresh(options) },
        encrypt,
        send,
        onRetry(retry) {
          setRetrying(fields, true)
          for (const onKeyRetry of new Set(fields.map((field) => field.options.onKeyRetry))) onKeyRetry?.(retry)
        },
      })
    } else {
      const key = await current()
      result = await send({ ...(await encrypt(key)), [KEY_FINGERPRINT_FIELD]: key.fingerprint })
    }
    clearSubmitted(fields, sent)
    return { result }
  } catch (error) {
    // The app's own failure is the app's; a stale key it reports is the form's.
    if (error === thrownByApp && (error as FincodeFormError).code !== 'ERR_KEY_STALE') throw error
    if (error !== STOPPED) first.show('', error as FincodeFormError)
    return null
  } finally {
    if (first.retrying) setRetrying(fields, false)
  }
}

/**
 * Per form: whether a native submission is being held. `holding` while it is
 * encrypted, `resubmitting` while the library submits it again, `sent` once
 * that submission was dispatched.
 */
interface FormState {
  phase: 'idle' | 'holding' | 'resubmitting' | 'sent'
}
const formStates = new WeakMap<HTMLFormElement, FormState>()

export function formState(form: HTMLFormElement): FormState {
  let state = formStates.get(form)
  if (!state) formStates.set(form, (state = { phase: 'idle' }))
  return state
}

/** Submit events refused before the app's handlers ran: those handlers do nothing more. */
const refusedEvents = new WeakSet<Event>()

export function wasRefused(event: Event | undefined): boolean {
  return event !== undefined && refusedEvents.has(event)
}

/** Our own submission again (requestSubmit after encrypting): every listener lets it through. */
export function isResubmission(form: HTMLFormElement): boolean {
  return formState(form).phase === 'resubmitting'
}

/**
 * Decides a refusal as soon as a submit event reaches the form: the event is
 * canceled, so that React runs no form action (and resets nothing), and handlers
 * later in the dispatch see `wasRefused(event)`. Returns true when refused.
 */
export function refuseSubmit(event: Event, fields: FieldController[]): boolean {
  const form = event.target as HTMLFormElement
  if (isResubmission(form) || formState(form).phase === 'holding') return false
  for (const field of fields) field.input?.removeAttribute('name')
  if (!refuse(fields, { groups: true, focus: true })) return false
  event.preventDefault()
  refusedEvents.add(event)
  return true
}

/** Puts the key's fingerprint in the form, in a hidden input the library adds once if the form has none. */
function writeFingerprint(form: HTMLFormElement, fingerprint: string | null | undefined): void {
  if (!fingerprint) return
  let input = form.elements.namedItem(KEY_FINGERPRINT_FIELD) as HTMLInputElement | null
  if (!input) {
    input = form.ownerDocument.createElement('input')
    input.type = 'hidden'
    input.name = KEY_FINGERPRINT_FIELD
    form.append(input)
  }
  input.value = fingerprint
}

/**
 * Holds a native submission until every encrypted field of the form has a fresh
 * ciphertext in its hidden input, then submits the form again with
 * requestSubmit() (keeping the button that was clicked) and empties the visible
 * inputs. If the browser's constraint validation stops that second submission,
 * nothing is emptied. Returns the running work, for tests and the DOM handle.
 */
export function holdNativeSubmit(event: SubmitEvent, fields: FieldController[]): Promise<void> | undefined {
  const form = event.target as HTMLFormElement
  const state = formState(form)
  if (state.phase === 'resubmitting') {
    state.phase = 'sent'
    return
  }
  event.preventDefault() // the hidden inputs do not hold this value's ciphertext yet
  if (state.phase === 'holding') return // a second click while encrypting is absorbed, not queued
  state.phase = 'holding'
  const submitter = event.submitter as HTMLButtonElement | HTMLInputElement | null
  // requestSubmit() dispatches our submit event synchronously; the listeners that let it through mark it `sent`.
  const wentOut = () => state.phase === 'sent'
  return encryptFields(fields, true)
    .then(
      (values) => {
        if (fields.some((field) => !field.live)) return
        writeFingerprint(form, fields.find((field) => field.key)?.fingerprint)
        state.phase = 'resubmitting'
        try {
          form.requestSubmit(submitter?.form === form ? submitter : null)
        } catch (cause) {
          // A submitter from elsewhere, a browser without requestSubmit(): nothing was sent, the value stays typed.
          const error = new FincodeSecureError('ERR_ENCRYPTION_FAILED', 'form.requestSubmit() failed; see cause.', { cause })
          fields[0]?.show('', error)
          return
        }
        // Still `resubmitting`: constraint validation stopped it; the user fixes the other field and submits again.
        if (wentOut()) clearSubmitted(fields, values)
      },
      () => {}, // refused: the reason is on the fields
    )
    .finally(() => {
      state.phase = 'idle'
    })
}
