// fincode-secure/java-default: RSA-OAEP with SHA-256 as the label hash and
// SHA-1 in MGF1, which is what Java's default provider (SunJCE) decrypts with
// `Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding")` and no
// OAEPParameterSpec. WebCrypto cannot produce it (it uses one hash for both), so
// the padding is built here (RFC 8017 §7.1.1) and the RSA step done with BigInt.
// A separate entry so that the default, native path never bundles this code.
import { i2osp, modPow, opsPerSlice, os2ip } from './_modpow.js'
import { spkiRsaInts } from './_rsa.js'
import { mgf1Sha1 } from './_sha1.js'
import { subtle } from './_subtle.js'
import { yieldToEventLoop } from './_yield.js'
import { FincodeSecureError } from './errors.js'
import type { FincodePublicKey } from './key.js'
import { HASH_BYTES, type EncryptionScheme } from './scheme.js'

interface RsaNumbers {
  readonly n: bigint
  readonly e: bigint
  /** Modulus length in bytes. */
  readonly k: number
  readonly slice: number
}

// Parsing n and e costs more than the padding; a key is read once.
const numbersByKey = new WeakMap<object, RsaNumbers>()

function keyError(message: string): never {
  throw new FincodeSecureError('ERR_KEY_INVALID', `${message} Pass the key text or a key from importPublicKey().`)
}

function rsaNumbers(key: FincodePublicKey): RsaNumbers {
  let found = numbersByKey.get(key)
  if (found) return found
  const spki: unknown = key.spki
  if (!ArrayBuffer.isView(spki)) keyError('publicKey has no SPKI bytes (key.spki), which javaDefault needs for its own RSA operation.')
  const der = new Uint8Array(spki.buffer, spki.byteOffset, spki.byteLength)
  const ints = spkiRsaInts(der)
  if (!ints) keyError('publicKey.spki is not an RSA SubjectPublicKeyInfo.')
  let start = ints.n.start
  while (start < ints.n.end && der[start] === 0) start++ // DER's sign byte
  const k = ints.n.end - start
  const n = os2ip(der.subarray(start, ints.n.end))
  const e = os2ip(der.subarray(ints.e.start, ints.e.end))
  if (n % 2n === 0n || e < 3n || e % 2n === 0n || e >= n) keyError('publicKey.spki holds no valid RSA modulus and exponent.')
  if (k < 256) {
    throw new FincodeSecureError('ERR_KEY_TOO_SMALL', `publicKey is a ${k * 8}-bit RSA key; FinCode requires at least 2048 bits.`)
  }
  found = Object.freeze({ n, e, k, slice: opsPerSlice(k) })
  numbersByKey.set(key, found)
  return found
}

// lHash = SHA-256 of the empty label, the same for every message.
let labelHash: Promise<Uint8Array> | undefined

function emptyLabelHash(): Promise<Uint8Array> {
  labelHash ??= subtle()
    .digest('SHA-256', new Uint8Array(0))
    .then(
      (digest) => new Uint8Array(digest),
      (error: unknown) => {
        labelHash = undefined // let a later call retry
        throw error
      },
    )
  return labelHash
}

async function encrypt(key: FincodePublicKey, data: Uint8Array): Promise<Uint8Array> {
  const { n, e, k, slice } = rsaNumbers(key)
  const max = k - 2 * HASH_BYTES - 2
  // encryptPayload checks this first; the scheme object can also be called on its own.
  if (data.length > max) {
    throw new FincodeSecureError('ERR_PAYLOAD_TOO_LARGE', `payload is ${data.length} bytes of UTF-8; a ${k * 8}-bit key encrypts at most ${max}.`)
  }
  // EM = 0x00 ‖ maskedSeed ‖ maskedDB, with DB = lHash ‖ PS (zeros) ‖ 0x01 ‖ M.
  const dbLength = k - HASH_BYTES - 1
  const db = new Uint8Array(dbLength)
  const em = new Uint8Array(k)
  const seed = new Uint8Array(HASH_BYTES)
  let dbMask: Uint8Array | undefined
  let seedMask: Uint8Array | undefined
  try {
    db.set(await emptyLabelHash())
    db[dbLength - data.length - 1] = 0x01
    db.set(data, dbLength - data.length)
    globalThis.crypto.getRandomValues(seed)

    // The two masks are computed in tasks of their own, as the exponentiation runs
    // in slices: in one piece, the encoding held a loaded Chromium for ~55-70 µs at
    // 4096 bits (bench/java-default.mjs; the DB mask alone is 24 SHA-1 blocks there).
    await yieldToEventLoop()
    dbMask = mgf1Sha1(seed, dbLength)
    const maskedDb = em.subarray(1 + HASH_BYTES)
    for (let i = 0; i < dbLength; i++) maskedDb[i] = db[i]! ^ dbMask[i]!
    await yieldToEventLoop()
    seedMask = mgf1Sha1(maskedDb, HASH_BYTES)
    const maskedSeed = em.subarray(1, 1 + HASH_BYTES)
    for (let i = 0; i < HASH_BYTES; i++) maskedSeed[i] = seed[i]! ^ seedMask[i]!

    // EM starts with 0x00, so m < 256^(k-1) ≤ n: no reduction needed.
    const c = await modPow(os2ip(em), e, n, slice)
    return i2osp(c, k)
  } finally {
    db.fill(0)
    em.fill(0)
    seed.fill(0)
    dbMask?.fill(0)
    seedMask?.fill(0)
  }
}

/**
 * RSA-OAEP with SHA-256 and MGF1-SHA-1, for servers that decrypt with Java's
 * default provider and no `OAEPParameterSpec`. Use as `{ scheme: javaDefault }`
 * with `encryptPayload` or `encryptFields`. Prefer fixing the server
 * (docs: "Which variant does my server need?"); this is a bridge.
 *
 * @example
 * ```ts
 * const transactionPin = await encryptPayload('012345', publicKey, { scheme: javaDefault })
 * ```
 */
export const javaDefault: EncryptionScheme = Object.freeze({
  name: 'RSA-OAEP-256-MGF1-SHA1',
  hash: 'SHA-256',
  mgf1Hash: 'SHA-1',
  encrypt,
})
