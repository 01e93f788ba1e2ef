// The organisation key as the key endpoint, the forwarding helper and the
// stale-key check read it: from a PublicKeySource, afresh on every call.
import { toBase64 } from '../_base64.js'
import { isFincodeSecureError } from '../errors.js'
import { describe, importPublicKey, type FincodePublicKey, type PublicKeyInput } from '../key.js'
import type { PublicKeySource } from './client.js'
import { refuse } from './options.js'

const WHERE = 'the key text from Settings → API Connections → Encryption Keys (e.g. the FINCODE_PUBLIC_KEY environment variable), an imported key, or a function returning either'

/** Refuses, at creation, a source that cannot give a key whatever happens later. */
export function checkKeySource(source: unknown, who: string): PublicKeySource {
  if (source === undefined || source === null || source === '') refuse('ERR_KEY_INVALID', `${who} needs publicKey: ${WHERE}.`)
  if (typeof source !== 'string' && typeof source !== 'function' && typeof source !== 'object') {
    refuse('ERR_KEY_INVALID', `${who}: publicKey must be ${WHERE}; got ${describe(source)}.`)
  }
  return source as PublicKeySource
}

/**
 * The key `source` gives now. Key text is checked by the core (a private key is
 * ERR_KEY_PRIVATE, an EC key ERR_KEY_UNSUPPORTED…); an already imported key has
 * its SPKI imported again the same way, so what is served or compared is always
 * an RSA public key, whatever object was handed in.
 */
export async function currentPublicKey(source: PublicKeySource, who: string): Promise<FincodePublicKey> {
  let input: unknown = source
  if (typeof source === 'function') {
    try {
      input = await source()
    } catch (cause) {
      if (isFincodeSecureError(cause)) throw cause
      refuse('ERR_KEY_INVALID', `${who}: the publicKey function threw or rejected, so there is no current key; see cause.`, cause)
    }
  }
  if (typeof input === 'string') return importPublicKey(input)
  const imported = await importPublicKey(input as PublicKeyInput)
  const spki: unknown = imported.spki
  if (!(spki instanceof Uint8Array)) refuse('ERR_KEY_INVALID', `${who}: the imported key has no SPKI bytes; pass ${WHERE}.`)
  return importPublicKey(toBase64(spki))
}
