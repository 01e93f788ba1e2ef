// Submission for one or several encrypted fields: onSubmit (native posts),
// handleSubmit (a handler), action (React 19 form actions). The rule in every
// path: what is submitted is the encryption, with the current key, of what the
// visible inputs hold when the submission proceeds; then the inputs are emptied.
import { encryptPayload } from '../encrypt.js'
import { FincodeSecureError } from '../errors.js'
import { keyMissing, valueInvalid, vet, type FincodeFormError } from './errors.js'
import { liveFields, put, reset, valueOf, type Field } from './field-controller.js'
import type { EncryptedSubmit, EncryptedValues } from './types.js'

/**
 * Checks every field (`required`, key, `validate`, then their groups') and, if all
 * pass, encrypts every value, showing each result while it is still what the input
 * holds. A result made with a key replaced meanwhile is made again. Unless `once`
 * (encrypt(): the values at the time of the call), fields edited meanwhile are done
 * again too, so what it resolves to is the encryption of what the inputs hold now.
 * Rejects with the first refusal.
 */
export async function prepare(fields: Field[], once?: boolean): Promise<EncryptedValues> {
  for (;;) {
    const plain = fields.map(valueOf)
    const gens = fields.map((f) => f.gen)
    const byName = (list: string[]) => Object.fromEntries(fields.map((f, i) => [f.options.name, list[i]!]))
    let refused: FincodeFormError | null = null
    fields.forEach((f, i) => {
      const value = plain[i]!
      const { required, validate, publicKey, name } = f.options
      const error = value
        ? publicKey == null
          ? keyMissing(name)
          : vet(validate, value, [value])
        : required && valueInvalid(required === true ? 'This field is required.' : required)
      if (error) refused ??= put(f, '', error)
    })
    // encrypt() of one field does not run its group's check: that needs all the group's values.
    if (!once) for (const group of new Set(fields.map((f) => f.group))) group?.setError(refused ? null : (refused = vet(group.validate, byName(plain), plain)))
    if (refused) throw refused

    const sealed = await Promise.all(
      fields.map(async (f, i) => {
        const value = plain[i]!
        const current = () => f.gen == gens[i] && valueOf(f) == value
        if (value) put(f, f.ciphertext, null, true)
        try {
          const ciphertext = value && (await encryptPayload(value, f.options.publicKey!, f.options))
          if (current()) put(f, ciphertext)
          return ciphertext
        } catch (error) {
          if (f.gen == gens[i]) throw current() ? put(f, '', error as FincodeFormError) : error
          return '' // made with a replaced key: done again below
        }
      }),
    )
    if (fields.some((f, i) => f.gen != gens[i])) continue
    if (once) return byName(sealed)
    // One macrotask before the last look: requestSubmit() does nothing while the held submit event
    // is still being dispatched, and in Chromium a fast encryption can end within it.
    await new Promise((resolve) => setTimeout(resolve))
    if (fields.every((f, i) => f.ciphertext == sealed[i] && valueOf(f) == plain[i])) return byName(sealed)
  }
}

/** onSubmit, handleSubmit and action over `seed()` and every other encrypted field in the same form. */
export function submitHandlers(seed: () => Field[], resetAll: () => void): EncryptedSubmit {
  /** 1: a native submission is held while it encrypts; 2: we submit it again; 3: and it went out. */
  let phase = 0

  /** The fields to submit. Their visible inputs lose any name spread after inputProps (React sets it again on each update). */
  const start = (formData?: FormData) => {
    const fields = seed()
    const form = fields[0]?.input?.form
    for (const f of liveFields) if (form && f.input?.form == form && !fields.includes(f)) fields.push(f)
    for (const { input } of fields) if (input?.name) formData?.delete(input.name), input.removeAttribute('name')
    return fields
  }

  /**
   * Encrypts, empties the visible inputs (a native post: once it went out), hands the
   * ciphertexts to `use`, then forgets them. A refusal is in status/error.
   */
  const submit = async (fields: Field[], use: (values: EncryptedValues) => unknown, native?: boolean) => {
    const values = await prepare(fields).catch(() => {})
    if (!values || fields.some((f) => !f.live)) return
    if (!native) for (const { input } of fields) if (input) input.value = ''
    try {
      await use(values) // the hidden inputs still hold the ciphertexts, for handlers that read the form
    } finally {
      // Still 2: the browser's constraint validation stopped our requestSubmit() (another field is
      // invalid), and the PIN stays typed for the next try.
      if (phase != 2) for (const f of fields) if (f.ciphertext == values[f.options.name]) reset(f)
    }
  }

  return {
    onSubmit(event) {
      const form = event.currentTarget
      const fields = start() // the form data is built after the submit event: in time
      if (phase == 2) return void (phase = 3)
      event.preventDefault() // the hidden inputs do not hold this value's ciphertext yet
      if (phase) return // a second click while encrypting is absorbed, not queued
      phase = 1
      const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null
      submit(
        fields,
        () => {
          phase = 2
          form.requestSubmit(submitter?.form == form ? submitter : null)
        },
        true,
      )
        // requestSubmit() threw (a submitter from elsewhere, a browser without it): nothing was sent, the PIN stays typed.
        .catch((cause) => put(fields[0]!, '', new FincodeSecureError('ERR_ENCRYPTION_FAILED', 'form.requestSubmit() failed; see cause.', { cause })))
        .finally(() => (phase = 0))
    },
    handleSubmit: (fn) => async (event) => {
      event?.preventDefault()
      await submit(start(), (values) => fn(values, event))
    },
    action: (fn) => async (formData) => {
      const fields = start(formData) // React built this FormData before we could remove a spread name
      // Leave the transition's synchronous scope first, so that status renders now; useFormStatus stays pending.
      await 0
      await submit(fields, (values) => {
        for (const name in values) formData.set(name, values[name]!)
        return fn(formData)
      })
    },
    reset: resetAll,
  }
}
