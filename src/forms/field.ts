// One encrypted field, without any framework: the visible input it owns, the
// key it encrypts with, its ciphertext, error and status. The plaintext is read
// from the visible input when it is needed and is kept only in local variables
// of a running encryption: a field controller may live in framework state.
import { FincodeSecureError } from '../errors.js'
import { importPublicKey, type FincodePublicKey, type PublicKeyInput } from '../key.js'
import type { FincodeKeySource } from '../page/key-source.js'
import type { KeyRetry } from '../page/recover.js'
import type { EncryptionScheme } from '../scheme.js'
import { keyMissing, valueInvalid, type FincodeFormError } from './errors.js'
import { withDefaults, type FormMessages } from './messages.js'
import { attachedFields } from './registry.js'
import { encryptFields } from './submit.js'
import { runValidator } from './validate.js'

export interface FieldOptions {
  /** The name the ciphertext is submitted under. */
  name: string
  /** Key text (Base64 SPKI or PEM) or a `FincodePublicKey`; `null`/`undefined` while it loads. */
  publicKey: PublicKeyInput | null | undefined
  /** Where `publicKey` comes from, if from a key source: a submission refused for a rotated key refreshes it and retries once. */
  keySource?: FincodeKeySource | null
  /** Why the key source has no key (its endpoint is down, serves garbage): the field's error instead of "not loaded yet". */
  keyError?: FincodeFormError | null
  /** Called when a submission refused for a rotated key is sent again with the new key. */
  onKeyRetry?: (retry: KeyRetry) => void
  /** An empty field is refused (`true`, or the message to show); otherwise it is submitted as `''`. */
  required?: boolean | string
  /** Runs on the plaintext right before it is encrypted: a message refuses it. */
  validate?: (value: string) => string | null | undefined
  scheme?: EncryptionScheme
  messages?: Partial<FormMessages>
}

/**
 * Fields checked together before any of them is encrypted (a new PIN and its confirmation): a React
 * group (useEncryptedFields) for now, so the check lives with it and a form without groups does not carry it.
 */
export interface FieldGroup {
  /** The group's refusal of what `fields` (every field submitted with the group's) hold, or null. */
  check(fields: FieldController[]): FincodeFormError | null
  error: FincodeFormError | null
  setError(error: FincodeFormError | null): void
}

export class FieldController {
  /** Set by configure(), before any event can use them. */
  options!: FieldOptions
  input: HTMLInputElement | null = null
  /** The hidden input that carries the ciphertext in a native post, if there is one. */
  hidden: HTMLInputElement | null = null
  group: FieldGroup | null = null
  /** False once the field is unmounted or destroyed: a field removed while it encrypts submits nothing. */
  live = false
  /** The current value's ciphertext with the current key, or ''. Dropped by every edit and key change. */
  ciphertext = ''
  /** The last failure; cleared by the next keystroke. */
  error: FincodeFormError | null = null
  encrypting = false
  /** True from a rotated-key refusal until the submission sent again with the new key ended. */
  retrying = false
  /** The imported key, once imported. */
  key: FincodePublicKey | null = null
  /** Bumped by each change of key or scheme: a result made with an older key is never used. */
  keyVersion = 0
  private keyError: FincodeFormError | null = null
  private keyLoading: Promise<FincodePublicKey> | null = null
  private stopListening: (() => void) | null = null

  /** `changed` is called after each change of state, to render it. */
  constructor(readonly changed: () => void) {}

  get value(): string {
    return this.input?.value ?? ''
  }

  get fingerprint(): string | null {
    return this.key?.fingerprint ?? null
  }

  get messages(): FormMessages {
    return withDefaults(this.options.messages)
  }

  /**
   * Takes new options. A new key or scheme drops the old ciphertext at once
   * (the old key may be invalid already), imports the key (a bad one shows
   * before any submit), and encrypts again a value that had been encrypted.
   */
  configure(options: FieldOptions): void {
    const previous = this.options as FieldOptions | undefined
    this.options = options
    this.live = true
    const { publicKey, keyError } = options
    // A key the field already uses (adopted by a submission) is not a new one.
    if (!previous || options.scheme !== previous.scheme || (publicKey !== previous.publicKey && publicKey !== this.key)) this.useKey(publicKey)
    // The key source's failure shows at once, as a bad key does; the next keystroke clears it like any error.
    if (keyError && keyError !== previous?.keyError && !publicKey) this.show('', keyError)
  }

  /**
   * Encrypts with `key`, already imported, from now on: the key a submission uses (a refreshed key, before
   * the binding passes it in). A ciphertext made with another key is dropped.
   */
  adopt(key: FincodePublicKey): void {
    if (key === this.key) return
    this.keyVersion++
    this.key = key
    this.keyError = null
    this.keyLoading = null
    this.show('')
  }

  private useKey(publicKey: PublicKeyInput | null | undefined): void {
    const version = ++this.keyVersion
    const hadCiphertext = this.ciphertext !== ''
    this.key = null
    this.keyError = null
    this.keyLoading = null
    // "Rotated again while this form was sent: submit again" stays while the newest key arrives: it says what to do.
    this.show('', this.error?.code === 'ERR_KEY_ROTATED' ? this.error : null)
    if (publicKey === null || publicKey === undefined) return
    const loading = importPublicKey(publicKey)
    this.keyLoading = loading
    loading.then(
      (key) => {
        if (version !== this.keyVersion) return
        this.key = key
        this.changed()
        // The value had been encrypted with the old key: encrypt it again. A failure shows in `error`.
        if (hadCiphertext && this.value) encryptFields([this], false).catch(() => {})
      },
      (error: FincodeFormError) => {
        if (version !== this.keyVersion) return
        this.keyError = error
        this.show('', error)
      },
    )
  }

  /** The imported key, waiting for an import in progress; rejects with the key's error or ERR_KEY_MISSING. */
  loadKey(): Promise<FincodePublicKey> {
    if (this.key) return Promise.resolve(this.key)
    if (this.keyLoading) return this.keyLoading
    return Promise.reject(keyMissing(this.messages.keyMissing))
  }

  /**
   * The checks that need no WebCrypto, in the order a user fixes them: `required`,
   * `validate`, then the key (missing, bad) and the value's size for that key.
   */
  check(): FincodeFormError | null {
    const value = this.value
    const { required, validate, publicKey } = this.options
    if (!value) {
      if (!required) return null
      return valueInvalid(typeof required === 'string' ? required : this.messages.required)
    }
    const refused = runValidator(validate, value, [value], this.messages)
    if (refused) return refused
    if (publicKey === null || publicKey === undefined) return this.options.keyError ?? keyMissing(this.messages.keyMissing)
    if (this.keyError) return this.keyError
    const bytes = utf8Length(value)
    if (this.key && bytes > this.key.maxPayloadBytes) {
      return new FincodeSecureError(
        'ERR_PAYLOAD_TOO_LARGE',
        `The value is ${bytes} bytes of UTF-8; a ${this.key.modulusLength}-bit key takes at most ${this.key.maxPayloadBytes}.`,
      )
    }
    return null
  }

  /** Shows a new state: the hidden input gets the ciphertext at once (for a requestSubmit() in this tick), the input aria-invalid. */
  show(ciphertext: string, error: FincodeFormError | null = null, encrypting = false): void {
    // aria-invalid is written only when an error comes or goes, so a framework's own value stays otherwise.
    if ((error === null) !== (this.error === null)) this.input?.setAttribute('aria-invalid', String(error !== null))
    this.ciphertext = ciphertext
    this.error = error
    this.encrypting = encrypting
    if (this.hidden) this.hidden.value = ciphertext
    this.changed()
  }

  /** Empties the visible input and forgets ciphertext and error. */
  clear(): void {
    if (this.input) this.input.value = ''
    this.show('')
  }

  /**
   * Takes the visible input: it loses its name, for good (see keepNameless),
   * and every edit makes the ciphertext and any error stale.
   */
  attach(input: HTMLInputElement): void {
    if (this.input === input) return
    this.detach()
    this.input = input
    this.live = true
    keepNameless(input)
    attachedFields.add(this)
    const listening = new AbortController()
    const options = { signal: listening.signal }
    input.addEventListener('input', () => this.edited(), options)
    // A form reset (a reset button, or React's after an action) empties the input: its ciphertext goes.
    // An error shown stays until the next keystroke.
    input.ownerDocument.addEventListener('reset', (event) => event.target === input.form && this.show('', this.error), options)
    this.stopListening = () => {
      listening.abort()
      allowName(input)
    }
  }

  detach(): void {
    this.stopListening?.()
    this.stopListening = null
    attachedFields.delete(this)
    this.input = null
  }

  /** An edit: renders at most once, to clear an old ciphertext or error, not on each keystroke. */
  private edited(): void {
    this.group?.setError(null)
    if (this.ciphertext || this.error || this.encrypting) this.show('')
  }
}

/**
 * A visible input never has a name, so its value is in no FormData. React sets
 * `input.name` again on each update of an input whose props hold one (a `name`
 * spread after the library's props), so the property is made inert on the
 * instance while the library owns the input, and any attribute is removed.
 */
function keepNameless(input: HTMLInputElement): void {
  input.removeAttribute('name')
  Object.defineProperty(input, 'name', {
    configurable: true,
    get: () => '',
    set: () => input.removeAttribute('name'),
  })
}

function allowName(input: HTMLInputElement): void {
  delete (input as { name?: string }).name
}

/** UTF-8 length of a string, without encoding it into a buffer that would hold the plaintext. */
function utf8Length(text: string): number {
  let bytes = 0
  for (const character of text) {
    const code = character.codePointAt(0)!
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
  }
  return bytes
}
