// Types of the commands in browser-commands.ts, as browser tests see them (`commands` from 'vitest/browser').
import 'vitest/browser'

declare module 'vitest/browser' {
  interface BrowserCommands {
    decrypt: (ciphertext: string, privatePem: string) => Promise<string>
    testKeyPair: (bits?: 2048 | 3072 | 4096) => Promise<{ publicKey: string; privatePem: string }>
  }
}
