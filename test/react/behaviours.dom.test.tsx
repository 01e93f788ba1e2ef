// Issue 11's behaviours in happy-dom; the same tests run in Chromium (behaviours.browser.test.tsx).
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { defineBehaviourTests } from './behaviours.js'

defineBehaviourTests({
  keyPair: async () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    return { publicKey, decrypt: async (ciphertext) => nodeDecrypt(ciphertext, privateKey) }
  },
})
