// The React examples of docs/react.md (once the README's) with a bad key, no key yet and no WebCrypto, in happy-dom (and in Chromium: readme-examples.browser.test.tsx).
import { testKeyPair } from '../helpers/keys.js'
import { defineReadmeExampleTests } from './readme-examples.js'

defineReadmeExampleTests(async () => testKeyPair(2048))
