import { useFincodeKey } from 'fincode-secure/react'

/**
 * Shown on every page when the library cannot encrypt here: the key source's own error (code and
 * message) — the key endpoint down, or no WebCrypto on this origin — plus what it means for this demo.
 */
export function CryptoNotice() {
  const { error } = useFincodeKey()
  if (!error) return null
  const local = `http://localhost:${location.port || '80'}${location.pathname}${location.hash}`
  return (
    <div className="notice error" role="alert" data-testid="crypto-notice">
      <h2>This page cannot encrypt</h2>
      <p>
        <code>{error.code}</code>: {error.message}
      </p>
      {error.code === 'ERR_WEBCRYPTO_UNAVAILABLE' && (
        <p>
          You opened <code>{location.origin}</code>, which is plain http on a host other than localhost, so the browser
          hides WebCrypto. Nothing you type here is sent. Open <a href={local}>{local}</a> instead, or serve the page over https.
        </p>
      )}
    </div>
  )
}
