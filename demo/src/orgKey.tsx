// The organisation's public key, shared by every page: the Encryption Keys page
// and the PIN form read the same state, so a rotation anywhere reaches the form.
import { importPublicKey, isFincodeSecureError, type FincodeErrorCode, type FincodeSecureError } from 'fincode-secure'
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { api, type OrganisationKey } from './api.js'
import { isLoopbackHost } from './loopback.mjs'
import { SAMPLE_PUBLIC_KEY } from './sampleKey.js'

interface OrgKeyState {
  /**
   * The organisation's key; on a host name the demo's API does not answer, a
   * sample key (`sample: true`) that forms hand to the library only so that it
   * refuses with its own error.
   */
  key: (OrganisationKey & { sample?: true }) | null
  /** Why the key could not be loaded from the backend. */
  loadError: string | null
  /**
   * The library's own verdict on this page: importing the key fails with
   * ERR_WEBCRYPTO_UNAVAILABLE on a non-secure origin, before anything is typed.
   */
  cryptoError: FincodeSecureError<FincodeErrorCode> | null
  rotate: () => Promise<{ previousFingerprint: string; fingerprint: string }>
  reload: () => Promise<void>
}

const OrgKeyContext = createContext<OrgKeyState | null>(null)

export function OrgKeyProvider({ children }: { children: ReactNode }) {
  const [key, setKey] = useState<OrgKeyState['key']>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [cryptoError, setCryptoError] = useState<FincodeSecureError<FincodeErrorCode> | null>(null)

  const reload = useCallback(async () => {
    if (!isLoopbackHost(location.hostname)) {
      setKey({ publicKey: SAMPLE_PUBLIC_KEY, fingerprint: '', modulusLength: 2048, sample: true })
      setLoadError(
        `the demo's API answers only localhost, 127.0.0.1 and [::1], not ${location.hostname} (a defence against DNS rebinding). ` +
          `Open http://localhost:${location.port || '80'}/ instead.`,
      )
      return
    }
    try {
      setKey(await api.key())
      setLoadError(null)
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : String(error))
    }
  }, [])

  const rotate = useCallback(async () => {
    const next = await api.rotateKey()
    setKey({ publicKey: next.publicKey, fingerprint: next.fingerprint, modulusLength: next.modulusLength })
    return { previousFingerprint: next.previousFingerprint, fingerprint: next.fingerprint }
  }, [])

  useEffect(() => {
    void reload()
  }, [reload])

  // Import the key once here too, so a page on an insecure origin says why at
  // the top of every page, in the library's words.
  useEffect(() => {
    if (!key) return
    let live = true
    importPublicKey(key.publicKey).then(
      () => live && setCryptoError(null),
      (error: unknown) => {
        if (live && isFincodeSecureError(error)) setCryptoError(error)
      },
    )
    return () => {
      live = false
    }
  }, [key])

  const value = useMemo(() => ({ key, loadError, cryptoError, rotate, reload }), [key, loadError, cryptoError, rotate, reload])
  return <OrgKeyContext value={value}>{children}</OrgKeyContext>
}

export function useOrgKey(): OrgKeyState {
  const state = useContext(OrgKeyContext)
  if (!state) throw new Error('useOrgKey must be used inside <OrgKeyProvider>.')
  return state
}
