// Vitest browser-mode commands: Node code the browser tests call, so that
// ciphertexts made in the browser are decrypted server-side with the private key.
import { nodeDecrypt } from './decrypt.js'

/** decrypt(ciphertextBase64, privateKeyPem) → plaintext, in Node. */
export const decryptCommand = (_context: unknown, ciphertext: string, privatePem: string): string => nodeDecrypt(ciphertext, privatePem)
