import { FincodeSecureError, isFincodeSecureError } from '../errors.js'
import type { PublicKeyInput } from '../key.js'
import type { EncryptionScheme } from '../scheme.js'
import { checkOption, type FincodeFormError } from '../forms/errors.js'
import { FieldController } from '../forms/field.js'
import type { FormMessages } from '../forms/messages.js'
import type { FincodeKeySource } from '../page/key-source.js'
import type { KeyRetry } from '../page/recover.js'
import { encryptFields, holdNativeSubmit, isResubmission, submitValues, type EncryptedValues } from '../forms/submit.js'

type KeyValue = PublicKeyInput | null | undefined

/** One field's rules, under its `data-fincode-field` name in `EncryptFormOptions.fields`. */
export interface EncryptFormFieldOptions {
  /** An empty field is refused (`true`, or the message to show). Otherwise it is submitted as `''`. */
  required?: boolean | string
  /** Runs on the plaintext right before it is encrypted: return a message to refuse it. */
  validate?: (value: string) => string | null | undefined
}

/** What `encryptForm(form, options)` needs: the key (`publicKey` or `keySource`), and each field's rules. */
export interface EncryptFormOptions {
  /**
   * Key text (Base64 SPKI or PEM), a `FincodePublicKey`, or a function returning either (or a promise of
   * either), called once when the form is bound. `null`/`undefined` while it loads: use `setPublicKey` later.
   * Such a key is fixed: `submit(fn)` does not retry after a rotated-key answer (what `fn` returns is yours). Prefer `keySource`.
   */
  publicKey?: KeyValue | (() => KeyValue | Promise<KeyValue>)
  /**
   * Where the key comes from, instead of `publicKey`: `createFincodeKeySource('/api/fincode-key')` (the same
   * source may feed `<FincodeKeyProvider source>`). The fields follow it as it refreshes, show its error while
   * there is no key, and `submit(fn)` recovers from a rotated key by itself.
   */
  keySource?: FincodeKeySource
  /** Called when `submit(fn)` sends again with a refreshed key after a rotated-key answer: the refused and the new fingerprints. */
  onKeyRetry?: (retry: KeyRetry) => void
  /** Per field, by the name in `data-fincode-field`. */
  fields?: Record<string, EncryptFormFieldOptions>
  /** The padding variant (default RSA-OAEP SHA-256 / MGF1-SHA-256); `javaDefault` for a Java-default server. */
  scheme?: EncryptionScheme
  /** Replaces the library's own messages (required, not accepted, key not loaded), e.g. with another language. */
  messages?: Partial<FormMessages>
}

/** What `submit(fn)` resolves to: `fn`'s result, or the first error when the submission was refused. */
export type SubmitOutcome<R> = { ok: true; result: R } | { ok: false; error: FincodeFormError | null }

/** The handle `encryptForm` returns: encrypt or submit the form's fields, change the key, unbind. */
export interface EncryptedForm {
  /** Encrypts every field as it is now (after `required`/`validate`); the ciphertexts by name. Rejects with the first error. */
  encrypt(): Promise<EncryptedValues>
  /**
   * For fetch-based forms: checks and encrypts every field, calls `fn` with the ciphertexts and
   * `fincodeKeyFingerprint`, and empties the inputs once `fn` resolved. A refusal is shown on the fields.
   * With `keySource`, if `fn` returns the rotated-key answer (a 409 `Response` with `KEY_ROTATED`, or that object)
   * or throws `ERR_KEY_ROTATED`, the key is refreshed, the inputs encrypted again and `fn` called once more; a
   * second refusal, or a stale server key (`ERR_KEY_STALE`), is the first field's error. With a fixed
   * `publicKey` there is no retry: what `fn` returns or throws is yours, as it came.
   */
  submit<R>(fn: (values: EncryptedValues) => R | Promise<R>): Promise<SubmitOutcome<Awaited<R>>>
  /** Uses another key from now on (a rotation, a key that finished loading); ciphertexts made with the old one are dropped. */
  setPublicKey(publicKey: KeyValue): void
  /** SHA-256 fingerprint (lowercase hex) of the key in use, once imported. */
  readonly fingerprint: string | null
  /** Removes the library's hidden inputs and listeners; the form posts natively again. */
  destroy(): void
}

/**
 * Binds a `<form>`: its inputs marked `data-fincode-field="NAME"` are the secrets.
 * They lose any `name`; at submit their values are encrypted into hidden inputs
 * named NAME that the library adds, so a native post carries only ciphertexts.
 * The library holds the native submit until then: do not post it yourself as
 * well. A failing input gets `aria-invalid`, a bubbling `fincodeerror` event
 * (`detail.error`), and its message in the element its `aria-describedby` names,
 * if that element is marked `data-fincode-error` (unless the event is canceled).
 */
export function encryptForm(form: HTMLFormElement, options: EncryptFormOptions): EncryptedForm {
  // By tag name, not instanceof: the form may come from another realm (an iframe, a test environment).
  checkOption(form?.tagName === 'FORM', 'encryptForm', 'form', 'a <form> element', form)
  const inputs = Array.from(form.elements).filter((element): element is HTMLInputElement => element.tagName === 'INPUT' && element.hasAttribute('data-fincode-field'))
  checkOption(inputs.length > 0, 'encryptForm', 'form', 'a form with inputs marked data-fincode-field', 'none marked')
  const shown = new Map<FieldController, FincodeFormError | null>()
  const { keySource, onKeyRetry } = options
  let publicKey: KeyValue = null
  let keyError: FincodeFormError | null = null

  const fields = inputs.map((input) => {
    const name = input.getAttribute('data-fincode-field')!
    const field = new FieldController(() => showError(field))
    const hidden = form.ownerDocument.createElement('input')
    hidden.type = 'hidden'
    hidden.name = name
    input.after(hidden)
    field.hidden = hidden
    field.attach(input)
    return field
  })

  function configure(): void {
    for (const field of fields) {
      const name = field.input!.getAttribute('data-fincode-field')!
      field.configure({ name, publicKey, keySource, keyError, onKeyRetry, scheme: options.scheme, messages: options.messages, ...options.fields?.[name] })
    }
  }

  /** Tells the page about a new error: the event, then the message where aria-describedby points. */
  function showError(field: FieldController): void {
    const { input, error } = field
    if (!input || shown.get(field) === error) return
    shown.set(field, error)
    const told = !error || input.dispatchEvent(new CustomEvent('fincodeerror', { bubbles: true, cancelable: true, detail: { error } }))
    const ids = input.getAttribute('aria-describedby')?.split(/\s+/) ?? []
    for (const id of ids) {
      const target = form.ownerDocument.getElementById(id)
      if (target?.hasAttribute('data-fincode-error') && told) target.textContent = error?.message ?? ''
    }
  }

  // After the app's own submit listeners: a submission they canceled (a fetch form using submit()) is theirs.
  const onSubmit = (event: Event) => {
    if (event.target !== form) return
    if (event.defaultPrevented && !isResubmission(form)) return
    void holdNativeSubmit(event as SubmitEvent, fields)
  }
  const document = form.ownerDocument
  document.addEventListener('submit', onSubmit)

  const setPublicKey = (key: KeyValue) => {
    publicKey = key
    configure()
  }
  configure()
  const source = options.publicKey
  const follow = () => {
    const snapshot = keySource!.getSnapshot()
    publicKey = snapshot.publicKey
    keyError = snapshot.error
    configure()
  }
  // The first subscriber starts loading; a source that has its key already (another form, a provider) tells no change: read it now.
  const stopFollowing = keySource?.subscribe(follow)
  if (keySource) follow()
  else if (typeof source === 'function') {
    Promise.resolve()
      .then(source)
      .then(setPublicKey, (cause) => {
        const error = isFincodeSecureError(cause) ? cause : new FincodeSecureError('ERR_KEY_INVALID', 'options.publicKey() failed; see cause.', { cause })
        for (const field of fields) field.show('', error as FincodeFormError)
      })
  } else {
    setPublicKey(source)
  }

  return {
    encrypt: () => encryptFields(fields, false),
    async submit(fn) {
      const outcome = await submitValues(fields, fn)
      if (outcome) return { ok: true, result: outcome.result }
      return { ok: false, error: fields.find((field) => field.error)?.error ?? null }
    },
    setPublicKey,
    get fingerprint() {
      return fields[0]!.fingerprint
    },
    destroy() {
      stopFollowing?.()
      document.removeEventListener('submit', onSubmit)
      for (const field of fields) {
        field.live = false
        field.hidden?.remove()
        field.detach()
      }
    },
  }
}
