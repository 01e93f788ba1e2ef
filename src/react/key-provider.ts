// The page's key for every encrypted field below a provider: one key source,
// loaded once, refreshed together. The hooks get it as `publicKey`.
import { createElement, useContext, useState, useSyncExternalStore, type ReactNode } from 'react'
import { FincodeSecureError } from '../errors.js'
import type { FincodePublicKey } from '../key.js'
import { createFincodeKeySource, type FincodeKeyError, type FincodeKeyLoader, type FincodeKeySource, type FincodeKeyStatus } from '../page/key-source.js'
import { FincodeKeyContext } from './key-context.js'

export { FincodeKeyContext }

/** Props of FincodeKeyProvider: `children` and exactly one of `url`, `load` or `source`. */
export type FincodeKeyProviderProps = { children?: ReactNode } & (
  | { /** The app's key endpoint, e.g. "/api/fincode-key" (read once, at the provider's first render). */ url: string; source?: never; load?: never }
  | { /** A function returning the key (read once). */ load: FincodeKeyLoader; url?: never; source?: never }
  | { /** A key source made with createFincodeKeySource, e.g. one shared with non-React code. */ source: FincodeKeySource; url?: never; load?: never }
)

/** Loads the organisation's public key for the fields below it. Nothing is fetched on a server render. */
export function FincodeKeyProvider(props: FincodeKeyProviderProps) {
  const [source] = useState(() => props.source ?? createFincodeKeySource(props.url ?? props.load!))
  // createElement, not JSX: the React entry is plain .ts, like the hooks.
  return createElement(FincodeKeyContext, { value: source }, props.children)
}

/** What useFincodeKey returns: the provider's key and its loading state. */
export interface FincodeKey {
  /** The imported key, to pass as a hook's `publicKey`; null while it loads (the hooks then report ERR_KEY_MISSING). Same object while the key is the same. */
  publicKey: FincodePublicKey | null
  /** Where loading stands: idle (server render), loading, ready, refreshing or error. */
  status: FincodeKeyStatus
  /** Why no key could be loaded; see FincodeKeyError. */
  error: FincodeKeyError | null
  /** The key's fingerprint (lowercase hex SHA-256 of the SPKI DER), or null without a key. */
  fingerprint: string | null
  /** Fetches the key again; concurrent calls share one request. */
  refresh: () => Promise<FincodePublicKey>
  /** The provider's key source, for submitWithKeyRecovery and non-React code. */
  source: FincodeKeySource
}

/** The key of the nearest `<FincodeKeyProvider>`; re-renders when it changes. */
export function useFincodeKey(): FincodeKey {
  const source = useContext(FincodeKeyContext)
  if (!source) {
    throw new FincodeSecureError('ERR_KEY_MISSING', 'useFincodeKey() found no <FincodeKeyProvider> above it: wrap the form in <FincodeKeyProvider url="/api/fincode-key">.')
  }
  const { publicKey, status, error, fingerprint } = useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot)
  return { publicKey, status, error, fingerprint, refresh: source.refresh, source }
}
