// Your server's half of the rotated-key answer (docs/key-rotation.md): the
// client's ERR_KEY_ROTATED / ERR_KEY_STALE become the answer the page reads
// with `readKeyRotated` from `fincode-secure`.
import { isFincodeSecureError } from '../errors.js'
import { KEY_ROTATED_MESSAGES, type KeyRotatedAnswer } from '../key-rotated.js'
import type { PublicKeySource } from './client.js'
import { checkKeySource, currentPublicKey } from './key-source.js'
import { refuse } from './options.js'

/** What tells a rotation the page can recover from apart from a stale key on your server. */
export interface KeyRotatedCheck {
  /** The fingerprint the page encrypted with: `readEncryptedFields(…).fingerprint`. */
  fingerprint: string
  /** The key source your key endpoint and `readEncryptedFields` use; called once, now. */
  publicKey: PublicKeySource
  /** The setting the operator updates, named in the log line; default `"FINCODE_PUBLIC_KEY"`. */
  setting?: string
  /** Where the stale-key line goes; default `console.error`. */
  log?: (line: string) => void
}

type Log = Pick<KeyRotatedCheck, 'setting' | 'log'>

export function answer(code: KeyRotatedAnswer['error']['code'], fingerprint?: string): KeyRotatedAnswer {
  return { error: { code, message: KEY_ROTATED_MESSAGES[code], ...(fingerprint ? { fingerprint } : {}) } }
}

function staleKey(fingerprint: string | undefined, options: Log): KeyRotatedAnswer {
  const setting = options.setting ?? 'FINCODE_PUBLIC_KEY'
  const log = options.log ?? ((line: string) => console.error(line))
  log(
    `fincode-secure: FinCode refused fields encrypted with the key this server serves${fingerprint ? ` (fingerprint ${fingerprint})` : ''} as rotated. ` +
      `Update ${setting} to the current key from Settings → API Connections → Encryption Keys; until then every submission fails with KEY_STALE.`,
  )
  // No fingerprint in the answer: it names the current key, which FinCode has and this server does not.
  return answer('KEY_STALE')
}

/** The code of a client error this module answers for, or undefined. */
function rotatedCode(error: unknown): 'ERR_KEY_ROTATED' | 'ERR_KEY_STALE' | undefined {
  if (!isFincodeSecureError(error)) return
  const code: string = error.code
  return code === 'ERR_KEY_ROTATED' || code === 'ERR_KEY_STALE' ? code : undefined
}

/**
 * The answer for the page, from an error of `createFincodeClient`, or `null`
 * for any other error (rethrow those). With one argument, `ERR_KEY_ROTATED`
 * gives `KEY_ROTATED`, and the client's own `ERR_KEY_STALE` gives `KEY_STALE`
 * and a log line.
 *
 * With `check` (use it when forwarding ciphertexts made in the page), the
 * promise also tells a stale key on your server: if `check.publicKey` still
 * gives the key the page used, FinCode refused the key your server serves,
 * which no retry in the page can fix — `KEY_STALE`, and one log line naming
 * the setting to update. Otherwise `KEY_ROTATED` with the current fingerprint.
 */
export function keyRotatedAnswer(error: unknown): KeyRotatedAnswer | null
export function keyRotatedAnswer(error: unknown, check: KeyRotatedCheck): Promise<KeyRotatedAnswer | null>
export function keyRotatedAnswer(error: unknown, check?: KeyRotatedCheck): KeyRotatedAnswer | null | Promise<KeyRotatedAnswer | null> {
  if (check === undefined) {
    const code = rotatedCode(error)
    return code === 'ERR_KEY_STALE' ? staleKey(undefined, {}) : code ? answer('KEY_ROTATED') : null
  }
  return checkedAnswer(error, check)
}

async function checkedAnswer(error: unknown, check: KeyRotatedCheck): Promise<KeyRotatedAnswer | null> {
  if (typeof check !== 'object' || check === null || typeof check.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(check.fingerprint)) {
    refuse('ERR_CONFIG_INVALID', 'keyRotatedAnswer: check.fingerprint must be the fingerprint the page sent, as readEncryptedFields returns it (64 lowercase hex digits).')
  }
  const source = checkKeySource(check.publicKey, 'keyRotatedAnswer')
  if (check.log !== undefined && typeof check.log !== 'function') refuse('ERR_CONFIG_INVALID', 'keyRotatedAnswer: check.log must be a function that writes one line.')
  if (check.setting !== undefined && (typeof check.setting !== 'string' || !check.setting)) {
    refuse('ERR_CONFIG_INVALID', 'keyRotatedAnswer: check.setting must name the setting that holds the key, such as "FINCODE_PUBLIC_KEY".')
  }
  const code = rotatedCode(error)
  if (!code) return null
  if (code === 'ERR_KEY_STALE') return staleKey(check.fingerprint, check)
  // A key source that fails now cannot tell: the page refreshes from the key
  // endpoint, which reports that failure itself.
  const current = await currentPublicKey(source, 'keyRotatedAnswer').catch(() => undefined)
  if (current?.fingerprint === check.fingerprint) return staleKey(current.fingerprint, check)
  return answer('KEY_ROTATED', current?.fingerprint)
}

/**
 * `keyRotatedAnswer` as an HTTP response for a route handler: `409`, JSON,
 * `Cache-Control: no-store`; `null` for any other error.
 */
export function keyRotatedResponse(error: unknown): Response | null
export function keyRotatedResponse(error: unknown, check: KeyRotatedCheck): Promise<Response | null>
export function keyRotatedResponse(error: unknown, check?: KeyRotatedCheck): Response | null | Promise<Response | null> {
  return check === undefined ? toResponse(keyRotatedAnswer(error)) : keyRotatedAnswer(error, check).then(toResponse)
}

function toResponse(value: KeyRotatedAnswer | null): Response | null {
  return value && new Response(JSON.stringify(value), { status: 409, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } })
}
