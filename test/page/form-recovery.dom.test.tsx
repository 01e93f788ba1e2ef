// The hooks and the DOM handle recover from a rotated key by themselves (issue 15.4), in happy-dom,
// against a real sandbox behind "your server". The same suite runs in Chromium: form-recovery.browser.test.tsx.
import { afterAll, beforeAll } from 'vitest'
import { startKeyRotationApp, type KeyRotationApp } from '../helpers/key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js'
import { formRecoverySuite, type RecoveryRig } from './form-recovery.js'
import { bufferedFetch } from '../helpers/buffered-response.js'

let sandbox: TestSandbox
let app: KeyRotationApp

const rig: RecoveryRig = {
  appUrl: '',
  rotate: async () => (await sandbox.rotateKey()).fingerprint,
  keyMode: async (mode) => app.keyMode(mode),
  fingerprint: async () => sandbox.currentKey().fingerprint,
  forwards: async () => [...app.forwards],
  bodies: async () => app.received.map((received) => received.body),
  // Buffered in happy-dom (see buffered-response.ts); Chromium hands over fetch's own Response.
  fetch: bufferedFetch((...args) => fetch(...args)),
}

beforeAll(async () => {
  sandbox = await startTestSandbox()
  app = await startKeyRotationApp(sandbox)
  rig.appUrl = app.url
})
afterAll(async () => {
  await app?.close()
  await sandbox?.dispose()
})

formRecoverySuite(rig)
