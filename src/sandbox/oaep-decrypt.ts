// RSA-OAEP decryption (RFC 8017 §7.1.2) on top of a raw RSA private operation.
// Why by hand: Node's privateDecrypt has one `oaepHash` for both the label hash
// and MGF1, so it cannot decrypt what Java's default provider produces
// (SHA-256 label hash, MGF1 with SHA-1). Decoding EM ourselves handles both.
import { constants, createHash, privateDecrypt, type KeyObject } from 'node:crypto'
import type { EncryptionScheme } from '../scheme.js'

/** The two OAEP variants the sandbox reads: `RSA-OAEP-256` (MGF1-SHA-256) and `RSA-OAEP-256-MGF1-SHA1` (Java's default). */
export type OaepVariant = EncryptionScheme['name']
/** The MGF1 hash, in `node:crypto`'s spelling. */
export type Mgf1Hash = 'sha256' | 'sha1'

/** Label hash: SHA-256 for every variant FinCode uses (the MGF1 hash is what differs). */
const LABEL_HASH = 'sha256'
const H_LEN = 32

export const VARIANTS: readonly { variant: OaepVariant; mgf1Hash: Mgf1Hash }[] = Object.freeze([
  { variant: 'RSA-OAEP-256', mgf1Hash: 'sha256' },
  { variant: 'RSA-OAEP-256-MGF1-SHA1', mgf1Hash: 'sha1' },
])

/** c^d mod n as k bytes, or undefined when c is not k bytes or not below n. */
export function rsaPrivateRaw(key: KeyObject, ciphertext: Uint8Array): Uint8Array | undefined {
  const k = modulusBytes(key)
  if (ciphertext.length !== k) return undefined
  try {
    // OpenSSL refuses c >= n ("data too large for modulus") and pads the result to k bytes.
    return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext))
  } catch {
    return undefined
  }
}

function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength
  if (key.asymmetricKeyType !== 'rsa' || !bits) throw new TypeError('an RSA private key is required')
  return Math.ceil(bits / 8)
}

function mgf1(hash: Mgf1Hash, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length)
  const counter = new Uint8Array(4)
  for (let done = 0, i = 0; done < length; i++) {
    counter[0] = i >>> 24
    counter[1] = (i >>> 16) & 0xff
    counter[2] = (i >>> 8) & 0xff
    counter[3] = i & 0xff
    const block = createHash(hash).update(seed).update(counter).digest()
    out.set(block.subarray(0, Math.min(block.length, length - done)), done)
    done += block.length
  }
  return out
}

/** 1 when a === b, else 0, for bytes, without a branch. */
const eqByte = (a: number, b: number): number => (((a ^ b) - 1) >>> 31) & 1

/**
 * EME-OAEP decoding of EM (k bytes). Every check runs and is folded into one
 * flag before the single decision at the end, so no step's outcome decides how
 * much work follows (the structure Manger's attack needs to be absent). JavaScript
 * gives no timing guarantee beyond that; this is a test stand-in, not an HSM.
 */
export function oaepDecode(em: Uint8Array, mgf1Hash: Mgf1Hash, label: Uint8Array = new Uint8Array(0)): Uint8Array | undefined {
  const k = em.length
  if (k < 2 * H_LEN + 2) return undefined
  const lHash = createHash(LABEL_HASH).update(label).digest()
  const maskedSeed = em.subarray(1, 1 + H_LEN)
  const maskedDb = em.subarray(1 + H_LEN)
  const seed = mgf1(mgf1Hash, maskedDb, H_LEN)
  for (let i = 0; i < H_LEN; i++) seed[i]! ^= maskedSeed[i]!
  const db = mgf1(mgf1Hash, seed, k - H_LEN - 1)
  for (let i = 0; i < db.length; i++) db[i]! ^= maskedDb[i]!

  let bad = eqByte(em[0]!, 0) ^ 1
  for (let i = 0; i < H_LEN; i++) bad |= eqByte(db[i]!, lHash[i]!) ^ 1
  // PS (zeros) then 0x01 then M: find the first 0x01, refuse any other non-zero byte before it.
  let looking = 1
  let index = 0
  for (let i = H_LEN; i < db.length; i++) {
    const isOne = eqByte(db[i]!, 1)
    const isZero = eqByte(db[i]!, 0)
    index |= -(looking & isOne) & i
    bad |= looking & ((isOne | isZero) ^ 1)
    looking &= isOne ^ 1
  }
  bad |= looking
  const message = bad ? undefined : db.slice(index + 1)
  seed.fill(0)
  db.fill(0)
  return message
}

/** Decrypts one OAEP ciphertext with a given MGF1 hash; undefined when it does not decrypt. */
export function oaepDecrypt(key: KeyObject, ciphertext: Uint8Array, mgf1Hash: Mgf1Hash, label?: Uint8Array): Uint8Array | undefined {
  const em = rsaPrivateRaw(key, ciphertext)
  return em && oaepDecode(em, mgf1Hash, label)
}

/**
 * Decrypts with whichever variant the sender used, and says which. Both
 * decodings always run on the one RSA result; a ciphertext valid under both is
 * impossible short of a 2^-256 lHash collision.
 */
export function oaepDecryptAnyVariant(key: KeyObject, ciphertext: Uint8Array): { variant: OaepVariant; plaintext: Uint8Array } | undefined {
  const em = rsaPrivateRaw(key, ciphertext)
  if (!em) return undefined
  let found: { variant: OaepVariant; plaintext: Uint8Array } | undefined
  for (const { variant, mgf1Hash } of VARIANTS) {
    const plaintext = oaepDecode(em, mgf1Hash)
    if (plaintext && !found) found = { variant, plaintext }
  }
  em.fill(0)
  return found
}
