// Server-side decryption with Node's OpenSSL: the reference the tests hold the library to.
import { constants, privateDecrypt, type KeyObject } from 'node:crypto'

export function nodeDecrypt(ciphertextBase64: string, privateKey: KeyObject | string): string {
  return privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(ciphertextBase64, 'base64'),
  ).toString('utf8')
}
