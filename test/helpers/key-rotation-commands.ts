// Vitest browser-mode commands for the key-rotation tests: the page in Chromium
// drives a real sandbox and "your server" (key-rotation-app.ts), which run here, in Node.
import { startKeyRotationApp, type Forward, type KeyMode, type KeyRotationApp } from './key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from './sandbox.js'

type Rig = Promise<{ sandbox: TestSandbox; app: KeyRotationApp }>

/**
 * One sandbox and app per test file: browser test files run in parallel, and one file's rotations,
 * key modes and forward counts must not reach another's (nor its keyRotationStop end the other's rig).
 */
const rigs = new Map<string, Rig>()

/** What every command gets first from Vitest: the file that called it. */
interface CommandContext {
  testPath?: string | undefined
}

const started = (context: CommandContext): Rig => {
  const file = context.testPath ?? ''
  let rig = rigs.get(file)
  if (!rig) rigs.set(file, (rig = startTestSandbox().then(async (sandbox) => ({ sandbox, app: await startKeyRotationApp(sandbox) }))))
  return rig
}

export interface KeyRotationRigState {
  fingerprint: string
  keyRequests: number
  forwards: Forward[]
  /** Every body the page sent to the app, to search for plaintexts. */
  bodies: string[]
}

export const keyRotationCommands = {
  /** Starts the sandbox and the app once per test file; returns the app's origin. */
  keyRotationStart: async (context: CommandContext): Promise<{ appUrl: string; fingerprint: string }> => {
    const { app, sandbox } = await started(context)
    return { appUrl: app.url, fingerprint: sandbox.currentKey().fingerprint }
  },
  /** Rotates the sandbox's key out of band (as an admin on the dashboard); returns the new fingerprint. */
  keyRotationRotate: async (context: CommandContext): Promise<string> => (await (await started(context)).sandbox.rotateKey()).fingerprint,
  keyRotationKeyMode: async (context: CommandContext, mode: KeyMode): Promise<void> => (await started(context)).app.keyMode(mode),
  keyRotationState: async (context: CommandContext): Promise<KeyRotationRigState> => {
    const { app, sandbox } = await started(context)
    return { fingerprint: sandbox.currentKey().fingerprint, keyRequests: app.keyRequests, forwards: [...app.forwards], bodies: app.received.map((r) => r.body) }
  },
  keyRotationStop: async (context: CommandContext): Promise<void> => {
    const current = rigs.get(context.testPath ?? '')
    rigs.delete(context.testPath ?? '')
    if (!current) return
    const { app, sandbox } = await current
    await app.close()
    await sandbox.dispose()
  },
}
