// Types of the commands in key-rotation-commands.ts, as browser tests see them (`commands` from 'vitest/browser').
import 'vitest/browser'
import type { KeyMode } from './key-rotation-app.js'
import type { KeyRotationRigState } from './key-rotation-commands.js'

declare module 'vitest/browser' {
  interface BrowserCommands {
    keyRotationStart: () => Promise<{ appUrl: string; fingerprint: string }>
    keyRotationRotate: () => Promise<string>
    keyRotationKeyMode: (mode: KeyMode) => Promise<void>
    keyRotationState: () => Promise<KeyRotationRigState>
    keyRotationStop: () => Promise<void>
  }
}
