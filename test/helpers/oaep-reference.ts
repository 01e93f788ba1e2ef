// A Node-side RSA-OAEP decryptor with the MGF1 hash as a parameter, label hash
// SHA-256 — the reference for SHA-256/MGF1-SHA-1, which Node's privateDecrypt
// cannot do (its oaepHash sets both hashes). The RSA private operation is
// OpenSSL's (RSA_NO_PADDING); the OAEP decoding is RFC 8017 §7.1.2 step 3 with
// node:crypto's hashes, so it shares no code with src/. Checked against
// Wycheproof's vectors in test/java-default-vectors.test.ts.
import { constants, createHash, privateDecrypt, type KeyObject } from 'node:crypto'
import { vi } from 'vitest'

export type Mgf1Hash = 'sha1' | 'sha256'

const H_LEN = 32 // SHA-256, the label hash

function mgf1(seed: Buffer, length: number, hash: Mgf1Hash): Buffer {
  const blocks: Buffer[] = []
  for (let counter = 0; blocks.length * (hash === 'sha1' ? 20 : 32) < length; counter++) {
    const c = Buffer.alloc(4)
    c.writeUInt32BE(counter)
    blocks.push(createHash(hash).update(seed).update(c).digest())
  }
  return Buffer.concat(blocks).subarray(0, length)
}

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ b[i]!))
}

/** EM = m^d mod n as k bytes: the RSA private operation with no padding removed. */
export function rsaPrivateRaw(ciphertext: Buffer, privateKey: KeyObject): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext)
}

/** The seed and DB hidden in EM = 0x00 ‖ maskedSeed ‖ maskedDB. */
export function oaepUnmask(em: Buffer, mgf1Hash: Mgf1Hash): { seed: Buffer; db: Buffer } {
  const maskedSeed = em.subarray(1, 1 + H_LEN)
  const maskedDb = em.subarray(1 + H_LEN)
  const seed = xor(maskedSeed, mgf1(maskedDb, H_LEN, mgf1Hash))
  return { seed, db: xor(maskedDb, mgf1(seed, maskedDb.length, mgf1Hash)) }
}

/** Decodes EM; throws "decoding error" on any padding fault, like a server would. */
export function oaepDecode(em: Buffer, mgf1Hash: Mgf1Hash, label: Buffer = Buffer.alloc(0)): Buffer {
  const fail = () => new Error('OAEP decoding error')
  if (em.length < 2 * H_LEN + 2 || em[0] !== 0) throw fail()
  const { db } = oaepUnmask(em, mgf1Hash)
  if (!db.subarray(0, H_LEN).equals(createHash('sha256').update(label).digest())) throw fail()
  let i = H_LEN
  while (i < db.length && db[i] === 0) i++
  if (db[i] !== 0x01) throw fail()
  return db.subarray(i + 1)
}

/** Base64 ciphertext → plaintext bytes, RSA-OAEP with SHA-256 and the given MGF1 hash. */
export function referenceDecrypt(ciphertextBase64: string, privateKey: KeyObject, mgf1Hash: Mgf1Hash, label?: Buffer): Buffer {
  return oaepDecode(rsaPrivateRaw(Buffer.from(ciphertextBase64, 'base64'), privateKey), mgf1Hash, label)
}

/** Makes the next crypto.getRandomValues call return `seed`: how a test fixes the OAEP seed. */
export function nextRandomValues(seed: Uint8Array): void {
  const fill = (array: ArrayBufferView) => {
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(seed)
    return array
  }
  vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementationOnce(fill as typeof globalThis.crypto.getRandomValues)
}
