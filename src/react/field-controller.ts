// The non-React half of useEncryptedField: it owns the DOM inputs, knows whether
// a ciphertext still matches the visible value and the key, and runs encryptions.
// The plaintext is read from the DOM input when it is needed and kept only in
// local variables of the running encryption, never in this object: the object
// lives in React state, and React state must never hold a PIN.
import { encryptPayload } from '../encrypt.js'
import type { FincodeSecureError } from '../errors.js'
import { resolveKey, type PublicKeyInput } from '../key.js'
import type { EncryptionScheme } from '../scheme.js'
import { asFincodeError, keyMissing, runValidator, valueInvalid } from './errors.js'
import type { EncryptedFieldStatus, UseEncryptedFieldOptions } from './types.js'

/** What the component renders from; the only part of a field that is React state. */
export interface FieldView {
  readonly status: EncryptedFieldStatus
  /** The last operation's error (validation, missing key, encryption). */
  readonly error: FincodeSecureError | null
  /** Why the current key cannot be imported; stays until the key changes. */
  readonly keyError: FincodeSecureError | null
  readonly ciphertext: string
  readonly fingerprint: string | null
}

export const INITIAL_VIEW: FieldView = Object.freeze({ status: 'idle', error: null, keyError: null, ciphertext: '', fingerprint: null })

/** Fields whose visible input is in a document: a submit handler finds the other encrypted fields of its form here. */
export const liveFields = new Set<FieldController>()

/** What a group (useEncryptedFields) exposes to its fields. */
export interface FieldGroup {
  readonly fields: readonly FieldController[]
  /** A field of the group was edited: a group error about the old values is obsolete. */
  edited(): void
}

export class FieldController {
  input: HTMLInputElement | null = null
  hidden: HTMLInputElement | null = null
  group: FieldGroup | null = null
  options: UseEncryptedFieldOptions = { publicKey: undefined, name: '' }
  mounted = false
  /** Bumped by every edit of the visible input: a result for an older version is stale. */
  version = 0
  /** Bumped by every change of publicKey or scheme: a result made with an older key is never used. */
  keyGen = 0
  private ciphertext = ''
  /** Orders operations: only the latest one may publish its result. */
  private seq = 0
  private view: FieldView = INITIAL_VIEW
  private publish: ((view: FieldView) => void) | null = null
  private key: PublicKeyInput | null | undefined = undefined
  private scheme: EncryptionScheme | undefined = undefined
  private configured = false

  get name(): string {
    return this.options.name
  }

  /** Ref callback of the visible input. */
  readonly attachInput = (input: HTMLInputElement | null): (() => void) | undefined => {
    if (!input) return
    this.input = input
    this.stripName()
    liveFields.add(this)
    const onInput = () => this.edited()
    // The form's reset (a reset button, or React's after a form action) empties the input: forget its ciphertext.
    const onReset = (event: Event) => {
      if (event.target === input.form && !event.defaultPrevented) this.formReset()
    }
    const doc = input.ownerDocument
    input.addEventListener('input', onInput)
    doc.addEventListener('reset', onReset)
    return () => {
      input.removeEventListener('input', onInput)
      doc.removeEventListener('reset', onReset)
      liveFields.delete(this)
      if (this.input === input) this.input = null
    }
  }

  /** Ref callback of the hidden input. */
  readonly attachHidden = (hidden: HTMLInputElement | null): (() => void) | undefined => {
    if (!hidden) return
    this.hidden = hidden
    return () => {
      if (this.hidden === hidden) this.hidden = null
    }
  }

  /**
   * The visible input must never be part of a submission, whatever props were spread after ours.
   * React sets `name` again on every update of the element, so this runs on mount and on each submit.
   * Returns the name it removed, if any.
   */
  stripName(): string | null {
    const name = this.input?.getAttribute('name') ?? null
    if (name !== null) this.input!.removeAttribute('name')
    return name
  }

  mount(publish: (view: FieldView) => void): () => void {
    this.publish = publish
    this.mounted = true
    if (this.view !== INITIAL_VIEW) publish(this.view)
    return () => {
      this.mounted = false
      this.publish = null
    }
  }

  /** Called after every render with the latest options; reacts to a new key or scheme. */
  configure(options: UseEncryptedFieldOptions): void {
    this.options = options
    const { publicKey, scheme } = options
    if (this.configured && Object.is(publicKey, this.key) && scheme === this.scheme) return
    this.configured = true
    this.key = publicKey
    this.scheme = scheme
    this.keyChanged()
  }

  /**
   * After a rotation the old key is invalid at once: its ciphertext is dropped
   * (also from the hidden input) before anything else can run, and the current
   * value, if it had been encrypted, is encrypted again with the new key.
   */
  private keyChanged(): void {
    const gen = ++this.keyGen
    const hadCiphertext = this.ciphertext !== ''
    this.ciphertext = ''
    if (this.hidden) this.hidden.value = ''
    const { status, error } = this.view
    // An error about the old key or a missing key is obsolete; a validation message is not.
    const keepError = error?.code === 'ERR_VALUE_INVALID'
    this.show({
      ciphertext: '',
      fingerprint: null,
      keyError: null,
      status: status === 'encrypting' || (keepError && status === 'error') ? status : 'idle',
      error: keepError ? error : null,
    })
    const key = this.key
    if (key == null) return
    resolveKey(key).then(
      (imported) => gen === this.keyGen && this.show({ fingerprint: imported.fingerprint }),
      (cause: unknown) => gen === this.keyGen && this.show({ keyError: asFincodeError(cause) }),
    )
    if (hadCiphertext && this.input && this.input.value !== '') this.encrypt().catch(() => {}) // the error is in status/error
  }

  /** The user changed the visible value: any ciphertext is stale. Renders at most once per run of keystrokes. */
  edited(): void {
    this.version++
    this.keepErrorOnReset = false
    this.group?.edited()
    const { status, error, ciphertext } = this.view
    if (this.ciphertext || ciphertext || status !== 'idle' || error) {
      this.dropCiphertext()
      this.show({ status: 'idle', error: null, ciphertext: '' })
    }
  }

  /**
   * React 19 resets a form after every action that does not throw, including
   * one that submitted nothing because this field was refused: the error must
   * outlive that reset, or the user would never see why.
   */
  keepErrorOnReset = false

  private formReset(): void {
    if (this.keepErrorOnReset && this.view.status === 'error') {
      this.keepErrorOnReset = false
      this.version++
      this.seq++
      this.dropCiphertext()
      return
    }
    this.reset()
  }

  reset(): void {
    this.keepErrorOnReset = false
    this.version++
    this.seq++
    if (this.input) this.input.value = ''
    this.dropCiphertext()
    this.show({ status: 'idle', error: null, ciphertext: '' })
  }

  /** The value is being submitted: the visible input is emptied now (and the plaintext with it). */
  handOff(): void {
    if (this.input) this.input.value = ''
  }

  /** The submission has the ciphertext: forget it, unless a newer one replaced it meanwhile. */
  spent(ciphertext: string): void {
    if (this.ciphertext !== ciphertext) return
    this.seq++
    this.dropCiphertext()
    this.show({ status: 'idle', error: null, ciphertext: '' })
  }

  /** Reads the visible value; `''` when the input is not rendered. */
  value(): string {
    return this.input?.value ?? ''
  }

  /** Nothing to encrypt: the field is empty and optional, and holds no ciphertext. */
  isEmptyAndOptional(): boolean {
    return this.value() === '' && !this.options.required && this.ciphertext === ''
  }

  /** True while the hidden input still holds `ciphertext` for the visible value (not edited, not re-keyed since). */
  holds(ciphertext: string): boolean {
    return this.ciphertext === ciphertext && (ciphertext !== '' || this.value() === '')
  }

  /** The ciphertext the hidden input holds now. */
  currentCiphertext(): string {
    return this.ciphertext
  }

  /** `required`, key presence and `validate()`, for the value about to be encrypted. */
  check(value: string): FincodeSecureError | null {
    const { required, validate, publicKey, name } = this.options
    if (value === '') {
      return required ? valueInvalid(typeof required === 'string' && required ? required : 'This field is required.') : null
    }
    if (publicKey == null) return keyMissing(name, publicKey)
    return runValidator(validate, value, [value], 'validate()')
  }

  /** Starts an operation: later results of earlier operations are no longer published. */
  begin(): number {
    return ++this.seq
  }

  isCurrent(seq: number, version: number): boolean {
    return seq === this.seq && version === this.version
  }

  /**
   * Encrypts `value` with whatever key is current when the encryption ends: a
   * result made with a key that was replaced meanwhile is thrown away and redone.
   */
  async encryptValue(value: string): Promise<{ ciphertext: string; keyGen: number }> {
    for (let attempt = 0; ; attempt++) {
      const gen = this.keyGen
      const { publicKey, scheme, name } = this.options
      if (value === '') return { ciphertext: '', keyGen: gen }
      if (publicKey == null) throw keyMissing(name, publicKey)
      try {
        const ciphertext = await encryptPayload(value, publicKey, scheme ? { scheme } : undefined)
        if (gen === this.keyGen) return { ciphertext, keyGen: gen }
      } catch (error) {
        if (gen === this.keyGen) throw asFincodeError(error)
      }
      if (attempt >= 10) throw asFincodeError(new Error('publicKey kept changing while encrypting'))
    }
  }

  /** `encrypt()` of the public API: the value at the time of the call. */
  async encrypt(): Promise<string> {
    const value = this.value()
    const version = this.version
    const seq = this.begin()
    const problem = this.check(value)
    if (problem) {
      this.fail(problem)
      throw problem
    }
    if (value !== '') this.encrypting()
    try {
      const { ciphertext, keyGen } = await this.encryptValue(value)
      if (this.isCurrent(seq, version)) this.keep(ciphertext, keyGen)
      return ciphertext
    } catch (error) {
      const failure = asFincodeError(error)
      if (this.isCurrent(seq, version)) this.fail(failure)
      throw failure
    }
  }

  encrypting(): void {
    if (this.view.status !== 'encrypting' || this.view.error) this.show({ status: 'encrypting', error: null })
  }

  /** Publishes a ciphertext of the current value made with key generation `keyGen`; false when that key is gone. */
  keep(ciphertext: string, keyGen: number): boolean {
    if (keyGen !== this.keyGen) return false
    this.ciphertext = ciphertext
    if (this.hidden) this.hidden.value = ciphertext // at once: a requestSubmit() in this tick must post it
    this.show({ status: ciphertext ? 'ready' : 'idle', error: null, ciphertext })
    return true
  }

  fail(error: FincodeSecureError): void {
    this.dropCiphertext()
    this.show({ status: 'error', error, ciphertext: '' })
  }

  private dropCiphertext(): void {
    this.ciphertext = ''
    if (this.hidden) this.hidden.value = ''
  }

  /** Updates the view; React renders only when something in it changed. */
  private show(patch: Partial<FieldView>): void {
    const next = { ...this.view, ...patch }
    const prev = this.view
    if ((Object.keys(next) as (keyof FieldView)[]).every((k) => Object.is(next[k], prev[k]))) return
    this.view = next
    if (this.mounted) this.publish?.(next)
  }
}
