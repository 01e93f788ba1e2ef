// The hooks and the DOM handle recover from a rotated key by themselves (issue 15.4), in Chromium, on its own
// fetch and Response.clone(), against a real sandbox behind "your server" (driven through the keyRotation* commands).
import { afterAll, beforeAll } from 'vitest'
import { commands } from 'vitest/browser'
import { formRecoverySuite, type RecoveryRig } from './form-recovery.js'

const rig: RecoveryRig = {
  appUrl: '',
  rotate: () => commands.keyRotationRotate(),
  keyMode: (mode) => commands.keyRotationKeyMode(mode),
  fingerprint: async () => (await commands.keyRotationState()).fingerprint,
  forwards: async () => (await commands.keyRotationState()).forwards,
  bodies: async () => (await commands.keyRotationState()).bodies,
  fetch: (...args) => fetch(...args),
}

beforeAll(async () => {
  rig.appUrl = (await commands.keyRotationStart()).appUrl
})
afterAll(() => commands.keyRotationStop())

formRecoverySuite(rig)
