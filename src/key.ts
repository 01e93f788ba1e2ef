import { fromBase64 } from './_base64.js'
import { readTlv } from './_der.js'
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

const WHERE = 'copy the "PUBLIC KEY" from Settings → API Connections → Encryption Keys'
const RSA_ENCRYPTION = '06092a864886f70d010101' // OBJECT IDENTIFIER 1.2.840.113549.1.1.1

function fail(code: 'ERR_KEY_INVALID' | 'ERR_KEY_PRIVATE' | 'ERR_KEY_UNSUPPORTED' | 'ERR_KEY_TOO_SMALL', message: string, cause?: unknown): never {
  throw new FincodeSecureError(code, message, cause === undefined ? undefined : { cause })
}

function notSpki(label?: string, cause?: unknown): never {
  fail('ERR_KEY_INVALID', `publicKey is ${label ? `a "${label}", not` : 'not a whole'} SPKI "PUBLIC KEY"; ${WHERE}.`, cause)
}

function privateKey(): never {
  fail('ERR_KEY_PRIVATE', `publicKey is a private key, which must never reach a client: keep it on the server and ${WHERE}.`)
}

/** Base64 SPKI DER (any whitespace) or a PEM "PUBLIC KEY" block → DER bytes. */
function decodeKeyText(text: string): Uint8Array {
  let body = text.trim()
  if (body.includes('-----')) {
    // Any private block anywhere (a pasted key file holding both halves, say) still
    // puts a private key in the client: say so before judging the PEM's shape.
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(body)) privateKey()
    const pem = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----$/.exec(body)
    if (!pem) fail('ERR_KEY_INVALID', `publicKey is not a well-formed PEM block; ${WHERE}.`)
    const label = pem[1]!
    if (label.includes('PRIVATE')) privateKey()
    if (label !== 'PUBLIC KEY') notSpki(label)
    body = pem[2]!
  }
  body = body.replace(/\s+/g, '')
  if (!body) fail('ERR_KEY_INVALID', `publicKey is empty; ${WHERE}.`)
  if (body.length % 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
    fail('ERR_KEY_INVALID', `publicKey is not standard padded Base64 (no URL-safe - or _); ${WHERE}.`)
  }
  return fromBase64(body)
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
  if (first!.tag === 0x02) notSpki('RSA PUBLIC KEY')
  if (first!.tag !== 0x30 || second.tag !== 0x03 || second.end !== top!.end) notSpki()
  const algorithm = hex(der.subarray(first!.start, first!.end))
  if (!algorithm.startsWith(RSA_ENCRYPTION)) {
    fail('ERR_KEY_UNSUPPORTED', `publicKey is not an RSA key (an EC key, say); ${WHERE}.`)
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
    fail('ERR_KEY_TOO_SMALL', `publicKey is a ${modulusLength}-bit RSA key, under 2048 bits; ${WHERE}.`)
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
const cache = new Map<string, Promise<FincodePublicKey>>()
const CACHE_SIZE = 16

/**
 * Imports the organisation's public key: Base64 SPKI DER as the dashboard shows it
 * (whitespace and line breaks anywhere), or a PEM `-----BEGIN PUBLIC KEY-----` block.
 * The same text is imported only once.
 */
export function importPublicKey(publicKey: string): Promise<FincodePublicKey> {
  if (typeof publicKey !== 'string') return resolveKey(publicKey)
  let key = cache.get(publicKey)
  if (!key) {
    key = importKeyText(publicKey)
    cache.set(publicKey, key)
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!)
    const settled = key
    key.catch(() => cache.get(publicKey) === settled && cache.delete(publicKey))
  }
  return key
}

/** A key text or an imported key, as every API accepts it. */
export type PublicKeyInput = string | FincodePublicKey

export function resolveKey(publicKey: PublicKeyInput): Promise<FincodePublicKey> {
  if (typeof publicKey === 'string') return importPublicKey(publicKey)
  const key = publicKey as Partial<FincodePublicKey> | null
  if (key && typeof key === 'object' && key.cryptoKey && typeof key.maxPayloadBytes === 'number') return Promise.resolve(key as FincodePublicKey)
  return Promise.reject(new FincodeSecureError('ERR_KEY_INVALID', `publicKey must be the key text (Base64 SPKI or PEM) or a FincodePublicKey, got ${describe(publicKey)}.`))
}

export function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}
