// The organisation's public key as a page holds it: loaded from the app's key
// endpoint (or a function), refreshed on demand, when the page becomes visible
// again and when a submission reports a rotated key. Framework-free: React reads
// it through useSyncExternalStore, DOM code through subscribe/getSnapshot.
import { FincodeSecureError, isFincodeSecureError, type FincodeClientErrorCode, type FincodeFormErrorCode, type FincodeSecureErrorCode } from '../errors.js'
import { importPublicKey, type FincodePublicKey, type PublicKeyInput } from '../key.js'
import { recoveryOf } from './recovering-sources.js'
import { shortFingerprint, submitWithKeyRecovery } from './recover.js'

/**
 * - `idle`: nothing asked for the key yet (nothing subscribed, nothing submitted; always so on a server render).
 * - `loading`: the first key is being fetched.
 * - `ready`: `publicKey` holds the current key.
 * - `refreshing`: `publicKey` holds the last key while a newer one is fetched.
 * - `error`: the last load failed (see `error`); `publicKey` still holds the last good key, if there was one.
 */
export type FincodeKeyStatus = 'idle' | 'loading' | 'ready' | 'refreshing' | 'error'

/** Why no key could be loaded: the endpoint could not be reached (`ERR_KEY_MISSING`), or what it served is not a usable public key. */
export type FincodeKeyError = FincodeSecureError<FincodeSecureErrorCode | FincodeFormErrorCode>

/** One state of the key source. A new object on every change, so `===` tells whether anything changed. */
export interface FincodeKeySnapshot {
  /** Where loading stands; see FincodeKeyStatus. */
  readonly status: FincodeKeyStatus
  /** The imported key; the same object for as long as the fingerprint stays the same. */
  readonly publicKey: FincodePublicKey | null
  /** `publicKey.fingerprint` (lowercase hex SHA-256 of the SPKI DER), or null without a key. */
  readonly fingerprint: string | null
  /** Why the last load failed; null after a successful one. */
  readonly error: FincodeKeyError | null
}

/** What a key endpoint answers: `createPublicKeyHandler` in `fincode-secure/server`. Extra members are ignored. */
export interface FincodeKeyEndpointBody {
  /** The key: Base64 SPKI DER (or a PEM "PUBLIC KEY" block). */
  publicKey: string
  /** Its fingerprint; checked against the key's own when present. */
  fingerprint?: string
  /** Its size in bits; informative (the imported key's own is used). */
  modulusLength?: number
}

/** A function that gives the current key: its text, an imported key, or a key endpoint's body. */
export type FincodeKeyLoader = () => Promise<PublicKeyInput | FincodeKeyEndpointBody> | PublicKeyInput | FincodeKeyEndpointBody

/** Options of createFincodeKeySource. */
export interface FincodeKeySourceOptions {
  /** A fetch implementation for URL sources; default the global `fetch`. */
  fetch?: typeof fetch
  /** Refresh when the page becomes visible again (`visibilitychange`); default true. */
  refreshWhenVisible?: boolean
  /** How long a URL source may take to answer, in ms; default 10000. A submission waiting for a new key waits this long at most. */
  timeoutMs?: number
}

/** Options of FincodeKeySource.refresh. */
export interface FincodeKeyRefreshOptions {
  /**
   * The fingerprint of a key a server refused as rotated. A key already loaded that differs from it is
   * returned without a request; a request that was already running when the refusal came may predate
   * the rotation, so if it brings back this same key one more request is made.
   */
  refused?: string
}

/**
 * The organisation key as a page holds it (createFincodeKeySource): shared by every form of the page,
 * read by React through useSyncExternalStore and by DOM code through subscribe/getSnapshot.
 * Make it with createFincodeKeySource: the forms recover from a rotated key only through a source made
 * there (an object written by hand serves the key, but a rotated-key answer is then the app's).
 */
export interface FincodeKeySource {
  /** The current state. Cheap, and the same object until something changes (for `useSyncExternalStore`). */
  getSnapshot(): FincodeKeySnapshot
  /** Calls `listener` after every change. The first subscriber starts loading the key. Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void
  /** The loaded key, or the first one once it loads; rejects with the load's error (a later call tries again). */
  current(): Promise<FincodePublicKey>
  /** Fetches the key again; concurrent calls share one request. Rejects with the load's error. */
  refresh(options?: FincodeKeyRefreshOptions): Promise<FincodePublicKey>
}

const ENDPOINT_SHAPE = 'a key endpoint answers JSON { "publicKey": "<Base64 SPKI>", "fingerprint": "<hex>", "modulusLength": 2048 } (createPublicKeyHandler from fincode-secure/server serves it)'

const notLoaded = (where: string, why: string, cause?: unknown): FincodeKeyError =>
  new FincodeSecureError<FincodeFormErrorCode>(
    'ERR_KEY_MISSING',
    `The public key could not be loaded from ${where}: ${why}. Nothing is encrypted until it loads; check that the key endpoint runs, then submit again.`,
    { cause },
  )

const notAKey = (where: string, why: string): FincodeKeyError => new FincodeSecureError('ERR_KEY_INVALID', `${where} ${why}; ${ENDPOINT_SHAPE}.`)

/** Private key material anywhere in an endpoint's answer is a leak, even next to a valid public key. */
function holdsPrivateKey(body: object): boolean {
  return Object.values(body).some((value) => typeof value === 'string' && /PRIVATE KEY-----/.test(value))
}

/** The core's own verdict on the key text, prefixed with where the text came from. */
function fromCore(where: string, error: unknown): unknown {
  return isFincodeSecureError(error) ? new FincodeSecureError(error.code, `The key served by ${where} is not usable: ${error.message}`, { cause: error }) : error
}

async function importServed(served: PublicKeyInput | FincodeKeyEndpointBody, where: string): Promise<FincodePublicKey> {
  if (typeof served === 'object' && served !== null && !('cryptoKey' in served)) {
    if (holdsPrivateKey(served)) {
      throw new FincodeSecureError('ERR_KEY_PRIVATE', `${where} serves a private key, which must never reach a page: serve only the public key, and replace the key pair if that answer was public.`)
    }
    if (typeof served.publicKey !== 'string') throw notAKey(where, 'answered without a "publicKey" string')
    const key = await importPublicKey(served.publicKey).catch((error: unknown) => Promise.reject(fromCore(where, error)))
    const named = served.fingerprint
    if (typeof named === 'string' && named.toLowerCase() !== key.fingerprint) {
      throw notAKey(where, `names fingerprint ${named} for a key whose fingerprint is ${key.fingerprint}`)
    }
    return key
  }
  return importPublicKey(served as PublicKeyInput).catch((error: unknown) => Promise.reject(fromCore(where, error)))
}

async function fetchServed(url: string, { fetch: fetchImpl, timeoutMs = 10_000 }: FincodeKeySourceOptions): Promise<FincodeKeyEndpointBody> {
  const timeout = new AbortController()
  const timer = setTimeout(() => timeout.abort(), timeoutMs)
  const failed = (cause: unknown) =>
    Promise.reject(notLoaded(url, timeout.signal.aborted ? `it did not answer within ${timeoutMs} ms` : 'the request failed (network error, CORS, or the page is offline)', cause))
  try {
    // no-cache: the browser may answer from its cache only after the server confirmed the ETag.
    const init: RequestInit = { headers: { accept: 'application/json' }, cache: 'no-cache', credentials: 'same-origin', signal: timeout.signal }
    const response = await (fetchImpl ?? fetch)(url, init).catch(failed)
    if (!response.ok) throw notLoaded(url, `it answered HTTP ${response.status}`)
    const body: unknown = await response.json().catch((cause: unknown) => (timeout.signal.aborted ? failed(cause) : undefined))
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw notAKey(url, 'did not answer a JSON object')
    return body as FincodeKeyEndpointBody
  } finally {
    clearTimeout(timer)
  }
}

const IDLE: FincodeKeySnapshot = /* @__PURE__ */ Object.freeze({ status: 'idle', publicKey: null, fingerprint: null, error: null })

/**
 * A key source for a page. `from` is the URL of the app's key endpoint (e.g. `'/api/fincode-key'`)
 * or a function returning the key. Nothing is fetched until something subscribes or asks for the key.
 * The forms given this source (the hooks under `<FincodeKeyProvider>`, `encryptForm` with `keySource`)
 * recover from a rotated-key answer through it: recovery comes with the source, not with the forms.
 */
export function createFincodeKeySource(from: string | URL | FincodeKeyLoader, options: FincodeKeySourceOptions = {}): FincodeKeySource {
  if (typeof from !== 'function' && typeof from !== 'string' && !(from instanceof URL)) {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', `createFincodeKeySource: the key source must be the key endpoint's URL or a function returning the key, got ${from === null ? 'null' : typeof from}.`)
  }
  const where = typeof from === 'function' ? 'the key function' : String(from)
  const load = typeof from === 'function' ? async () => importServed(await from(), where) : async () => importServed(await fetchServed(String(from), options), where)

  let snapshot = IDLE
  const listeners = new Set<() => void>()
  /** The running request, and its number: requests are numbered as they start. */
  let running: { promise: Promise<FincodePublicKey>; number: number } | null = null
  let started = 0

  const publish = (next: Partial<FincodeKeySnapshot>) => {
    snapshot = Object.freeze({ ...snapshot, ...next })
    for (const listener of [...listeners]) listener()
  }

  const request = () => {
    if (running) return running
    publish({ status: snapshot.publicKey ? 'refreshing' : 'loading' })
    const number = ++started
    const promise = load().then(
      (key) => {
        running = null
        // The same key keeps its object: hooks compare keys by identity and would encrypt again.
        const kept = snapshot.publicKey?.fingerprint === key.fingerprint ? snapshot.publicKey : key
        publish({ status: 'ready', publicKey: kept, fingerprint: kept.fingerprint, error: null })
        return kept
      },
      (cause: unknown) => {
        running = null
        const error = isFincodeSecureError(cause) ? (cause as FincodeKeyError) : notLoaded(where, 'the key function failed', cause)
        publish({ status: 'error', error })
        throw error
      },
    )
    return (running = { promise, number })
  }

  const refresh = async ({ refused }: FincodeKeyRefreshOptions = {}) => {
    const loaded = snapshot.publicKey
    if (refused && !running && loaded && loaded.fingerprint !== refused) return loaded
    const asked = started
    const first = request()
    const key = await first.promise
    if (!refused || key.fingerprint !== refused || first.number > asked) return key
    return request().promise
  }

  const onVisible = () => {
    if (document.visibilityState === 'visible' && snapshot.status !== 'idle') refresh().catch(() => {}) // in snapshot.error
  }
  const watchVisibility = options.refreshWhenVisible !== false && typeof document !== 'undefined'

  const source: FincodeKeySource = {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener)
      if (listeners.size === 1 && watchVisibility) document.addEventListener('visibilitychange', onVisible)
      if (snapshot.status === 'idle') request().promise.catch(() => {}) // in snapshot.error
      return () => {
        if (listeners.delete(listener) && listeners.size === 0 && watchVisibility) document.removeEventListener('visibilitychange', onVisible)
      }
    },
    current: () => (snapshot.publicKey ? Promise.resolve(snapshot.publicKey) : request().promise),
    refresh,
  }
  // The forms (the hooks under <FincodeKeyProvider>, encryptForm with keySource) recover from a rotated key through this.
  recoveryOf.set(source, submitWithKeyRecovery)
  return source
}

/**
 * A key source over one fixed key (a hook's or handle's `publicKey` given as text or an imported key), for
 * code that always submits through a key source. It cannot fetch a newer key: after a rotated-key answer its
 * `refresh()` rejects with `ERR_KEY_ROTATED`, saying how to let the form fetch the new key.
 */
export function fixedKeySource(publicKey: PublicKeyInput): Pick<FincodeKeySource, 'current' | 'refresh'> {
  const current = () => importPublicKey(publicKey)
  return {
    current,
    refresh: async () => {
      const key = await current()
      throw new FincodeSecureError<FincodeClientErrorCode>(
        'ERR_KEY_ROTATED',
        `The server refused key ${shortFingerprint(key.fingerprint)} as rotated, and this form was given that key as fixed text, so it cannot fetch the new one. ` +
          'Load the key with <FincodeKeyProvider url="…"> or createFincodeKeySource(url) so that a rotation costs no retype; until then, reload the page.',
      )
    },
  }
}
