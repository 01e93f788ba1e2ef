// Shared by the happy-dom and the Chromium tests: DOM-only, no node: imports.
import { useRef, type RefObject } from 'react'
import { useEncryptedField, type EncryptedField, type EncryptedValues } from '../../src/react/index.js'
import type { EncryptionScheme } from '../../src/index.js'
import { holdsSecret } from '../helpers/secret-search.js'

/**
 * Types `text` into `input` the way a browser does, synchronously: the value
 * changes and an `input` event fires, one character (code point) at a time.
 */
export function typeInto(input: HTMLInputElement, text: string): void {
  // The prototype's setter, as a browser's own typing does: React wraps the instance's `value`
  // setter to track controlled inputs, and would not see a change made through it.
  let proto = Object.getPrototypeOf(input)
  while (proto && !Object.getOwnPropertyDescriptor(proto, 'value')) proto = Object.getPrototypeOf(proto)
  const setValue = Object.getOwnPropertyDescriptor(proto, 'value')!.set!
  for (const char of text) {
    setValue.call(input, input.value + char)
    input.dispatchEvent(new Event('input', { bubbles: true }))
  }
}

/** Selects all and types `text` over it: the value is replaced, with input events. */
export function retype(input: HTMLInputElement, text: string): void {
  let proto = Object.getPrototypeOf(input)
  while (proto && !Object.getOwnPropertyDescriptor(proto, 'value')) proto = Object.getPrototypeOf(proto)
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(input, '')
  input.dispatchEvent(new Event('input', { bubbles: true }))
  typeInto(input, text)
}

/**
 * Whether the secret is in a `FormData` entry, a JSON body (every string in it,
 * keys included) or a plain string. Ciphertexts are not searched: see holdsSecret.
 */
export function leaks(haystack: FormData | string, secret: string): boolean {
  if (typeof haystack !== 'string') {
    for (const [, value] of haystack) if (typeof value === 'string' && holdsSecret(value, secret)) return true
    return false
  }
  let json: unknown
  try {
    json = JSON.parse(haystack)
  } catch {
    return holdsSecret(haystack, secret)
  }
  const strings: string[] = []
  JSON.stringify(json, (key, value: unknown) => {
    strings.push(key)
    if (typeof value === 'string') strings.push(value)
    return value
  })
  return strings.some((text) => holdsSecret(text, secret))
}

/**
 * Catches native form submissions that nothing prevented: records the form data
 * the browser would post and cancels the navigation. Listens on window, after
 * React (which listens on its root), so it sees what really leaves the page.
 */
export function captureNativePosts(win: Window = window) {
  const posts: FormData[] = []
  const waiters: ((data: FormData) => void)[] = []
  const listener = (event: Event) => {
    if (event.defaultPrevented) return
    const form = event.target as HTMLFormElement
    const submitter = (event as SubmitEvent).submitter
    const data = new FormData(form, submitter && submitter !== (form as unknown) ? submitter : null)
    event.preventDefault()
    posts.push(data)
    waiters.shift()?.(data)
  }
  win.addEventListener('submit', listener)
  return {
    posts,
    next: () => new Promise<FormData>((resolve) => waiters.push(resolve)),
    stop: () => win.removeEventListener('submit', listener),
  }
}

/** Seeded PRNG (mulberry32): a failing trial can be replayed with its seed. */
export function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T,>(items: readonly T[]): T => items[int(0, items.length - 1)]!
  /** Mostly PINs of 4–8 digits; one in ten has letters, accents, € or an emoji (4 UTF-8 bytes). */
  const secret = () => {
    const chars = next() < 0.9 ? '0123456789' : ['0123456789', 'aZ', 'é', '€', '🔒'].join('')
    return Array.from({ length: int(4, 8) }, () => pick(Array.from(chars))).join('')
  }
  return { next, int, pick, secret }
}

export type TrialMode = 'native' | 'handler' | 'action'

export interface Received {
  /** The ciphertext that reached the server side (posted, handed to the handler, or in the action's FormData). */
  ciphertext: string
  /** Every body that left the component: FormData and JSON. */
  bodies: (FormData | string)[]
}

/** One encrypted field in a form submitted in one of three ways; hands what was submitted to `onReceived`. */
export function TrialForm(props: {
  publicKey: string | null
  mode: TrialMode
  onReceived?: (received: Received) => void
  fieldRef?: RefObject<EncryptedField | null>
  scheme?: EncryptionScheme
  validate?: (value: string) => string | null
}) {
  const { mode, onReceived } = props
  const pin = useEncryptedField({ publicKey: props.publicKey, name: 'transactionPin', required: true, scheme: props.scheme, validate: props.validate })
  const formRef = useRef<HTMLFormElement>(null)
  if (props.fieldRef) props.fieldRef.current = pin
  const fields = (
    <>
      <input name="amount" defaultValue="1200" />
      <input {...pin.inputProps} data-testid="pin" />
      <input {...pin.hiddenInputProps} />
      <button type="submit">Pay</button>
    </>
  )
  if (mode === 'native') {
    return (
      <form ref={formRef} onSubmit={pin.onSubmit} method="post" action="/pay">
        {fields}
      </form>
    )
  }
  if (mode === 'handler') {
    const onValues = (values: EncryptedValues) => {
      const json = JSON.stringify({ amount: 1200, ...values })
      onReceived?.({ ciphertext: values.transactionPin!, bodies: [json, new FormData(formRef.current!)] })
    }
    return (
      <form ref={formRef} onSubmit={pin.handleSubmit(onValues)}>
        {fields}
      </form>
    )
  }
  const save = async (formData: FormData) => {
    onReceived?.({ ciphertext: String(formData.get('transactionPin')), bodies: [formData] })
  }
  return (
    <form ref={formRef} action={pin.action(save)}>
      {fields}
    </form>
  )
}

/** A scheme that waits for `release()` before encrypting, to act while an encryption is running. */
export function gatedScheme(inner: EncryptionScheme) {
  let open: () => void = () => {}
  let gate = new Promise<void>((resolve) => (open = resolve))
  let started = 0
  const scheme: EncryptionScheme = {
    ...inner,
    encrypt: async (key, data) => {
      started++
      const copy = data.slice() // the caller zeroes its buffer when encryptPayload returns
      await gate
      return inner.encrypt(key, copy)
    },
  }
  return {
    scheme,
    started: () => started,
    release: () => open(),
    close: () => {
      gate = new Promise<void>((resolve) => (open = resolve))
    },
  }
}
