import { fromBase64 } from './_base64.js'
import { readChildren, readTlv } from './_der.js'
import { rsaPublicKeyInts } from './_rsa.js'
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
const RSA_ENCRYPTION = '2a864886f70d010101' // OID 1.2.840.113549.1.1.1
const EC_PUBLIC_KEY = '2a8648ce3d0201' // OID 1.2.840.10045.2.1

function fail(code: 'ERR_KEY_INVALID' | 'ERR_KEY_PRIVATE' | 'ERR_KEY_UNSUPPORTED' | 'ERR_KEY_TOO_SMALL', message: string, cause?: unknown): never {
  throw new FincodeSecureError(code, message, cause === undefined ? undefined : { cause })
}

function privateKey(): never {
  fail('ERR_KEY_PRIVATE', `publicKey is a private key. A private key must never reach a client: keep it on the server, rotate it if it was exposed, and ${WHERE}.`)
}

/** Base64 SPKI DER (any whitespace) or a PEM "PUBLIC KEY" block → DER bytes. */
function decodeKeyText(text: string): Uint8Array {
  let body = text.trim()
  if (body.includes('-----')) {
    const pem = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----$/.exec(body)
    if (!pem) fail('ERR_KEY_INVALID', `publicKey is not a well-formed PEM block (check the BEGIN/END lines and that nothing follows END); ${WHERE}.`)
    const label = pem[1]!
    if (label.includes('PRIVATE')) privateKey()
    if (label !== 'PUBLIC KEY') {
      fail('ERR_KEY_INVALID', `publicKey is a PEM "${label}", not an SPKI "PUBLIC KEY"${label === 'RSA PUBLIC KEY' ? ' (it is PKCS#1)' : ''}; ${WHERE}.`)
    }
    body = pem[2]!
  }
  body = body.replace(/\s+/g, '')
  if (!body) fail('ERR_KEY_INVALID', `publicKey is empty; ${WHERE}.`)
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(body)) {
    fail(
      'ERR_KEY_INVALID',
      /[-_]/.test(body) && /^[\w-]+=*$/.test(body)
        ? `publicKey uses the URL-safe Base64 alphabet (- and _); FinCode keys are standard Base64: ${WHERE}.`
        : `publicKey is not Base64 (or is cut short); ${WHERE}.`,
    )
  }
  return fromBase64(body)
}

/** Checks the DER is an RSA SPKI of at least 2048 bits; returns the modulus size in bits. */
function checkSpki(der: Uint8Array): number {
  const notSpki = `publicKey is not a DER SubjectPublicKeyInfo (truncated, extra bytes, or another format); ${WHERE}.`
  const top = readTlv(der, 0, der.length)
  const parts = top && top.tag === 0x30 && top.end === der.length ? readChildren(der, top) : undefined
  if (!parts || parts.length < 2) fail('ERR_KEY_INVALID', notSpki)
  const [first, second] = parts as [typeof parts[0], typeof parts[0]]
  // PKCS#8 and PKCS#1 private keys start with a version INTEGER; an encrypted PKCS#8 is SEQUENCE, OCTET STRING.
  if (first.tag === 0x02 && parts.length > 2) privateKey()
  if (first.tag === 0x30 && second.tag === 0x04) privateKey()
  if (first.tag === 0x02) fail('ERR_KEY_INVALID', `publicKey is a PKCS#1 "RSA PUBLIC KEY", not an SPKI "PUBLIC KEY"; ${WHERE}.`)
  if (parts.length !== 2 || first.tag !== 0x30 || second.tag !== 0x03) fail('ERR_KEY_INVALID', notSpki)

  const oid = readChildren(der, first)?.[0]
  if (!oid || oid.tag !== 0x06) fail('ERR_KEY_INVALID', notSpki)
  const algorithm = hex(der.subarray(oid.start, oid.end))
  if (algorithm !== RSA_ENCRYPTION) {
    fail('ERR_KEY_UNSUPPORTED', `publicKey is ${algorithm === EC_PUBLIC_KEY ? 'an EC' : 'not an RSA'} key; FinCode encrypts with RSA-OAEP: ${WHERE}.`)
  }

  const n = rsaPublicKeyInts(der, second)?.n
  if (!n) fail('ERR_KEY_INVALID', notSpki)
  let start = n.start
  while (start < n.end && der[start] === 0) start++
  const bits = start < n.end ? (n.end - start) * 8 - Math.clz32(der[start]!) + 24 : 0
  if (bits < 2048) {
    fail('ERR_KEY_TOO_SMALL', `publicKey is a ${bits}-bit RSA key; FinCode requires at least 2048 bits: ${WHERE}.`)
  }
  return bits
}

async function importKeyText(text: string): Promise<FincodePublicKey> {
  const der = decodeKeyText(text)
  const modulusLength = checkSpki(der)
  const s = subtle()
  const [cryptoKey, digest] = await Promise.all([
    s.importKey('spki', der as Uint8Array<ArrayBuffer>, RSA_OAEP_PARAMS, true, ['encrypt']).catch((cause: unknown) =>
      fail('ERR_KEY_INVALID', `publicKey could not be imported by WebCrypto; ${WHERE}.`, cause),
    ),
    s.digest('SHA-256', der as Uint8Array<ArrayBuffer>),
  ])
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
  if (typeof publicKey !== 'string') {
    return Promise.reject(new FincodeSecureError('ERR_KEY_INVALID', `publicKey must be a string (Base64 SPKI or PEM), got ${describe(publicKey)}.`))
  }
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
  return Promise.reject(new FincodeSecureError('ERR_KEY_INVALID', `publicKey must be key text or a FincodePublicKey from importPublicKey(), got ${describe(publicKey)}.`))
}

export function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}
