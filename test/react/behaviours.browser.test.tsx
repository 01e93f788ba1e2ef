// Issue 11's behaviours in real Chromium (its events, focus, WebCrypto and React's real event system);
// ciphertexts are decrypted in Node with the private key. The same tests run in happy-dom.
import { commands } from 'vitest/browser'
import { defineBehaviourTests } from './behaviours.js'

defineBehaviourTests({
  keyPair: async () => {
    const { publicKey, privatePem } = await commands.testKeyPair(2048)
    return { publicKey, decrypt: (ciphertext) => commands.decrypt(ciphertext, privatePem) }
  },
})
