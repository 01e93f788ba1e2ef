import react from '@vitejs/plugin-react'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { CHROMIUM_FLAGS } from './scripts/chromium-flags.mjs'
import { decryptCommand, keyPairCommand } from './test/helpers/browser-commands.js'
import { keyRotationCommands } from './test/helpers/key-rotation-commands.js'

export { CHROMIUM_FLAGS }

export default defineConfig({
  plugins: [react()],
  test: {
    // One browser or runtime per file: keep the 2-core machines responsive.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['test/**/*.test.ts', 'test/**/*.server.test.tsx'], exclude: ['test/**/*.dom.test.*', 'test/**/*.browser.test.*'] },
      },
      {
        extends: true,
        test: { name: 'dom', environment: 'happy-dom', include: ['test/**/*.dom.test.{ts,tsx}'] },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: ['test/**/*.browser.test.{ts,tsx}'],
          browser: {
            enabled: true,
            headless: true,
            api: { host: '127.0.0.1' },
            provider: playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, timeout: 60_000 } }),
            instances: [{ browser: 'chromium' }],
            commands: { decrypt: decryptCommand, testKeyPair: keyPairCommand, ...keyRotationCommands },
          },
        },
      },
    ],
  },
})
