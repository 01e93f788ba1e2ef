// The React examples of docs/react.md (once the README's) with a bad key, no key yet and no WebCrypto, in Chromium (and in happy-dom: readme-examples.dom.test.tsx).
import { commands } from 'vitest/browser'
import { defineReadmeExampleTests } from './readme-examples.js'

defineReadmeExampleTests(() => commands.testKeyPair(2048))
