import { fromBase64 } from './_base64.js'
import { readTlv } from './_der.js'
import { MAX_KEY_TEXT } from './_limits.js'
import { hex, subtle } from './_subtle.js'
import { FincodeSecureError } from './errors.js'
import { HASH_BYTES, RSA_OAEP_PARAMS } from './scheme.js'

/** An imported organisation key, ready to encrypt with. Immutable; safe to share and reuse. */
export interface FincodePublicKey {
  /** The WebCrypto key: RSA-OAEP, SHA-256, usage `encrypt`. */
  readonly cryptoKey: CryptoKey
  /** Modulus size in bits: 2048, 3072, 4096… */
  readonly modulusLength: number
  /** Largest plaintext, in UTF-8 bytes, this key can encrypt: k − 66 (190 for RSA-2048). */
  readonly maxPayloadBytes: number
  /** Lowercase hex SHA-256 of the SPKI DER, as `openssl pkey -pubin -outform DER | openssl dgst -sha256` prints. */
  readonly fingerprint: string
  /** The SPKI DER bytes (a fresh copy on each read). */
  readonly spki: Uint8Array
}

const RSA_ENCRYPTION = '06092a864886f70d010101' // OBJECT IDENTIFIER 1.2.840.113549.1.1.1

/**
 * Every refusal of a key text is built here, so each one says the same two
 * things: what is wrong with the text, then where the right key is.
 */
function fail(code: 'ERR_KEY_INVALID' | 'ERR_KEY_PRIVATE' | 'ERR_KEY_UNSUPPORTED' | 'ERR_KEY_TOO_SMALL', problem: string, cause?: unknown): never {
  throw new FincodeSecureError(code, `publicKey ${problem}; copy the "PUBLIC KEY" from Settings → API Connections → Encryption Keys.`, { cause })
}

const PKCS1 = 'PKCS#1 ("RSA PUBLIC KEY"),'

/** `what` says what the key is instead, when that is known. */
function notSpki(what?: string, cause?: unknown): never {
  fail('ERR_KEY_INVALID', `is ${what ? what + ' not' : 'not'} an SPKI "PUBLIC KEY"${what ? '' : ' (cut short, extra bytes, or another format)'}`, cause)
}

function privateKey(): never {
  fail('ERR_KEY_PRIVATE', 'is a private key, which must never reach a client: keep it on the server')
}

/**
 * Base64 SPKI DER (any whitespace) or a PEM "PUBLIC KEY" block → DER bytes.
 * Accepts the two ways configuration files hold a key: in quotes, and as a PEM
 * with its line breaks written as literal \n. Neither a quote nor a backslash
 * can be part of a key, so removing them cannot change which key it is.
 */
function decodeKeyText(text: string): Uint8Array {
  let body = text.replace(/^\s*(["'])([\s\S]*)\1\s*$/, '$2').replace(/\\[rn]/g, '\n').trim()
  if (body.includes('-----')) {
    // Any private block anywhere (a pasted key file holding both halves, say) still
    // puts a private key in the client: say so before judging the PEM's shape.
    if (body.includes('PRIVATE KEY-----')) privateKey()
    const pem = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----$/.exec(body)
    if (!pem) notSpki('a malformed PEM block (or text around it),')
    if (pem[1] !== 'PUBLIC KEY') notSpki(pem[1] === 'RSA PUBLIC KEY' ? PKCS1 : `a PEM "${pem[1]}",`)
    body = pem[2]!
  }
  body = body.replace(/\s+/g, '')
  if (!body) fail('ERR_KEY_INVALID', 'is empty')
  // atob refuses any character outside the standard alphabet, a length Base64
  // cannot have and "=" inside; a key cut at a 4-character boundary decodes, and
  // fails the DER checks instead.
  try {
    return fromBase64(body)
  } catch {
    const stray = /[^A-Za-z0-9+/=]/.exec(body)
    fail('ERR_KEY_INVALID', stray ? `has "${stray[0]}", not standard Base64 (URL-safe Base64, or text around the key?)` : 'is not standard Base64 (cut short?)')
  }
}

/**
 * Tells apart what people paste instead of the dashboard key, by the shape of
 * its first two DER elements; WebCrypto then checks the rest on import.
 */
function checkSpki(der: Uint8Array): void {
  const top = readTlv(der, 0, der.length)
  const first = top?.tag === 0x30 && top.end === der.length ? readTlv(der, top.start, top.end) : undefined
  const second = first && readTlv(der, first.end, top!.end)
  if (!second) notSpki()
  // PKCS#8 and PKCS#1 private keys open with a one-byte version INTEGER; an encrypted PKCS#8 has an OCTET STRING second.
  if ((first!.tag === 0x02 && first!.end - first!.start === 1) || second.tag === 0x04) privateKey()
  if (first!.tag === 0x02) notSpki(PKCS1)
  if (first!.tag !== 0x30 || second.tag !== 0x03 || second.end !== top!.end) notSpki()
  const algorithm = hex(der.subarray(first!.start, first!.end))
  if (!algorithm.startsWith(RSA_ENCRYPTION)) {
    fail('ERR_KEY_UNSUPPORTED', 'is not an RSA key, which RSA-OAEP needs')
  }
  // The BIT STRING holds RSAPublicKey { modulus, publicExponent } after its unused-bits byte.
  // WebCrypto imports exponent 1, whose "ciphertext" is the OAEP encoding itself, readable
  // by anyone; an even exponent is not RSA. A malformed inside is left to WebCrypto's import.
  const rsaKey = readTlv(der, second.start + 1, second.end)
  const modulus = rsaKey && readTlv(der, rsaKey.start, rsaKey.end)
  const exponent = modulus && readTlv(der, modulus.end, rsaKey!.end)
  if (exponent) {
    let value = 0
    for (let i = exponent.start; i < exponent.end; i++) value = value * 256 + der[i]!
    if (value < 3 || !(der[exponent.end - 1]! & 1)) fail('ERR_KEY_UNSUPPORTED', `has RSA exponent ${value}, not odd and 3 or more as RSA-OAEP needs`)
  }
}

async function importKeyText(text: string): Promise<FincodePublicKey> {
  const der = decodeKeyText(text)
  checkSpki(der)
  const s = subtle()
  const [cryptoKey, digest] = await Promise.all([
    s.importKey('spki', der as Uint8Array<ArrayBuffer>, RSA_OAEP_PARAMS, true, ['encrypt']).catch((cause: unknown) =>
      notSpki('', cause),
    ),
    s.digest('SHA-256', der as Uint8Array<ArrayBuffer>),
  ])
  const { modulusLength } = cryptoKey.algorithm as RsaHashedKeyAlgorithm
  if (modulusLength < 2048) {
    fail('ERR_KEY_TOO_SMALL', `is a ${modulusLength}-bit RSA key, under 2048 bits`)
  }
  return Object.freeze({
    cryptoKey,
    modulusLength,
    maxPayloadBytes: Math.ceil(modulusLength / 8) - 2 * HASH_BYTES - 2,
    fingerprint: hex(new Uint8Array(digest)),
    get spki() {
      return der.slice()
    },
  })
}

// Text keys are imported once: importing costs more than encrypting. Concurrent
// first calls share one promise; a failed import is forgotten so it can be retried.
// The cache holds a handful of keys (rotations are rare); it is emptied if it ever grows past 16.
const cache = new Map<string, Promise<FincodePublicKey>>()

/** A key text or an imported key, as every API accepts it. */
export type PublicKeyInput = string | FincodePublicKey

/**
 * Imports the organisation's public key: Base64 SPKI DER as the dashboard shows it
 * (whitespace and line breaks anywhere), or a PEM `-----BEGIN PUBLIC KEY-----` block.
 * The same text is imported only once; an already imported key is returned as is.
 *
 * @example
 * ```ts
 * const key = await importPublicKey(process.env.FINCODE_PUBLIC_KEY!)
 * key.fingerprint     // lowercase hex SHA-256 of the SPKI DER
 * key.maxPayloadBytes // 190 for RSA-2048
 * ```
 */
export async function importPublicKey(publicKey: PublicKeyInput): Promise<FincodePublicKey> {
  if (typeof publicKey !== 'string') {
    let cause: unknown
    try {
      const key = publicKey as Partial<FincodePublicKey> | null
      if (key && typeof key === 'object' && key.cryptoKey && typeof key.maxPayloadBytes === 'number') return publicKey
    } catch (error) {
      // Reading a getter or a Proxy trap of an object passed as the key may throw anything.
      cause = error
    }
    throw new FincodeSecureError('ERR_KEY_INVALID', `publicKey must be the key text (Base64 SPKI or PEM) or a FincodePublicKey, got ${describe(publicKey)}.`, { cause })
  }
  if (publicKey.length > MAX_KEY_TEXT) fail('ERR_KEY_INVALID', `has ${publicKey.length} characters, too many for a key (at most ${MAX_KEY_TEXT})`)
  let key = cache.get(publicKey)
  if (!key) {
    if (cache.size > 15) cache.clear()
    const imported = (key = importKeyText(publicKey))
    cache.set(publicKey, key)
    key.catch(() => cache.get(publicKey) === imported && cache.delete(publicKey))
  }
  return key
}

export function describe(value: unknown): string {
  return value === null ? 'null' : typeof value
}
