// A page's submission that survives a key rotation: when the app's server answers
// that the key was rotated, the key is fetched again, what the inputs hold is
// encrypted again with the new key, and the app's function is called once more.
// The plaintexts are never kept here: `encrypt` reads them from the inputs each time.
import { FincodeSecureError, isFincodeSecureError } from '../errors.js'
import type { FincodePublicKey } from '../key.js'
import { readKeyRotated } from '../key-rotated.js'
import type { FincodeKeySource } from './key-source.js'

/** A fingerprint as messages show it: enough to tell keys apart in a log. */
export const shortFingerprint = (fingerprint: string) => fingerprint.slice(0, 12) + '…'

/** The name under which the fingerprint of the key used goes with the ciphertexts (CONTRACTS: 15.3). */
export const KEY_FINGERPRINT_FIELD = 'fincodeKeyFingerprint'

/** Ciphertexts by field name, plus the fingerprint of the key they were made with. */
export type SentValues<Values extends Record<string, string>> = Values & { fincodeKeyFingerprint: string }

/** What onRetry gets: the refused key and the key the values are encrypted with for the second send. */
export interface KeyRetry {
  /** The key the server refused. */
  previousFingerprint: string
  /** The key the values are encrypted with now. */
  fingerprint: string
}

/** Options of submitWithKeyRecovery. */
export interface SubmitWithKeyRecoveryOptions<Values extends Record<string, string>, Result> {
  /** Where the key comes from; `refresh({ refused })` is called after a rotated-key answer. */
  keySource: Pick<FincodeKeySource, 'current' | 'refresh'>
  /** Reads the inputs and encrypts what they hold now with `key`. Called again for the retry: keep no plaintext between calls. */
  encrypt: (key: FincodePublicKey) => Promise<Values> | Values
  /**
   * Sends the ciphertexts (with `fincodeKeyFingerprint`) and returns the answer. A rotated-key answer — a `Response` 409
   * with code KEY_ROTATED, the same object returned by a Server Action, or a thrown `ERR_KEY_ROTATED` — starts the one retry.
   */
  send: (values: SentValues<Values>, attempt: 1 | 2) => Promise<Result> | Result
  /** Called once the new key is in hand, before the values are encrypted again: show "retrying", log the fingerprints. */
  onRetry?: (retry: KeyRetry) => void
}

type Refusal = FincodeSecureError<'ERR_KEY_ROTATED' | 'ERR_KEY_STALE'>

/** The rotated-key refusal carried by `value`, a result or something thrown; null for anything else. */
async function refusalIn(value: unknown): Promise<Refusal | null> {
  if (isFincodeSecureError(value)) {
    const code = value.code
    return code === 'ERR_KEY_ROTATED' || code === 'ERR_KEY_STALE' ? (value as Refusal) : null
  }
  return readKeyRotated(value)
}

function stale(fingerprint: string, cause: Refusal): Refusal {
  return new FincodeSecureError(
    'ERR_KEY_STALE',
    `The server refused key ${shortFingerprint(fingerprint)} as rotated, but the key source still serves that same key: the copy of the public key your server serves is out of date. ` +
      'Update the setting it reads (e.g. FINCODE_PUBLIC_KEY) to the current key from Settings → API Connections → Encryption Keys; a new submission cannot fix this.',
    { cause },
  )
}

/**
 * Encrypts with the key source's current key and calls `send`. If the answer says the key was rotated,
 * refreshes the key, encrypts again what the inputs hold and calls `send` a second time: at most one retry
 * per submission. Resolves with the answer that was not a rotated-key refusal; rejects with
 * `ERR_KEY_STALE` when the refreshed key is the refused one (or the server says its own key is stale),
 * with `ERR_KEY_ROTATED` when the retry is refused too, and with any other error as it came.
 */
export async function submitWithKeyRecovery<Values extends Record<string, string>, Result>(
  options: SubmitWithKeyRecoveryOptions<Values, Result>,
): Promise<Result> {
  const { keySource, encrypt, send, onRetry } = options
  const attempt = async (key: FincodePublicKey, number: 1 | 2): Promise<{ result: Result; refusal: Refusal | null }> => {
    const values = { ...(await encrypt(key)), [KEY_FINGERPRINT_FIELD]: key.fingerprint } as SentValues<Values>
    let result: Result
    try {
      result = await send(values, number)
    } catch (error) {
      const refusal = await refusalIn(error)
      if (refusal) return { result: undefined as Result, refusal }
      throw error
    }
    return { result, refusal: await refusalIn(result) }
  }

  const used = await keySource.current()
  const first = await attempt(used, 1)
  if (!first.refusal) return first.result
  if (first.refusal.code === 'ERR_KEY_STALE') throw first.refusal
  const fresh = await keySource.refresh({ refused: used.fingerprint })
  if (fresh.fingerprint === used.fingerprint) throw stale(used.fingerprint, first.refusal)
  onRetry?.({ previousFingerprint: used.fingerprint, fingerprint: fresh.fingerprint })
  const second = await attempt(fresh, 2)
  if (!second.refusal) return second.result
  if (second.refusal.code === 'ERR_KEY_STALE') throw second.refusal
  // No third send; the next submission finds the newest key already loaded.
  keySource.refresh({ refused: fresh.fingerprint }).catch(() => {}) // a failure is in the source's error
  throw new FincodeSecureError(
    'ERR_KEY_ROTATED',
    `The key was rotated again while this form was sent (refused ${shortFingerprint(used.fingerprint)}, then ${shortFingerprint(fresh.fingerprint)}); nothing was accepted. Submit again.`,
    { cause: second.refusal },
  )
}
