import { expect, test } from 'vitest'
import { encryptPayload } from '../src/index.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'

test('a PIN encrypted with the dashboard key decrypts with the private key', async () => {
  const { publicKey, privateKey } = testKeyPair(2048)
  expect(nodeDecrypt(await encryptPayload('012345', publicKey), privateKey)).toBe('012345')
})
