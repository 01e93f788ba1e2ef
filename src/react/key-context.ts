// The provider's key source, in a module of its own: a hook that reads it pulls
// in neither the provider nor the key source's loading code.
import { createContext } from 'react'
import type { FincodeKeySource } from '../page/key-source.js'

/** The provider's key source, or null outside a provider (for hooks that fall back to it without requiring one). */
export const FincodeKeyContext = /* @__PURE__ */ createContext<FincodeKeySource | null>(null)
