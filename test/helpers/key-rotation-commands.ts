// Vitest browser-mode commands for the key-rotation tests: the page in Chromium
// drives a real sandbox and "your server" (key-rotation-app.ts), which run here, in Node.
import { startKeyRotationApp, type Forward, type KeyMode, type KeyRotationApp } from './key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from './sandbox.js'

let rig: Promise<{ sandbox: TestSandbox; app: KeyRotationApp }> | undefined

const started = () => (rig ??= startTestSandbox().then(async (sandbox) => ({ sandbox, app: await startKeyRotationApp(sandbox) })))

export interface KeyRotationRigState {
  fingerprint: string
  keyRequests: number
  forwards: Forward[]
  /** Every body the page sent to the app, to search for plaintexts. */
  bodies: string[]
}

export const keyRotationCommands = {
  /** Starts the sandbox and the app once per test run; returns the app's origin. */
  keyRotationStart: async (): Promise<{ appUrl: string; fingerprint: string }> => {
    const { app, sandbox } = await started()
    return { appUrl: app.url, fingerprint: sandbox.currentKey().fingerprint }
  },
  /** Rotates the sandbox's key out of band (as an admin on the dashboard); returns the new fingerprint. */
  keyRotationRotate: async (): Promise<string> => (await (await started()).sandbox.rotateKey()).fingerprint,
  keyRotationKeyMode: async (_context: unknown, mode: KeyMode): Promise<void> => (await started()).app.keyMode(mode),
  keyRotationState: async (): Promise<KeyRotationRigState> => {
    const { app, sandbox } = await started()
    return { fingerprint: sandbox.currentKey().fingerprint, keyRequests: app.keyRequests, forwards: [...app.forwards], bodies: app.received.map((r) => r.body) }
  },
  keyRotationStop: async (): Promise<void> => {
    const current = rig
    rig = undefined
    if (!current) return
    const { app, sandbox } = await current
    await app.close()
    await sandbox.dispose()
  },
}
