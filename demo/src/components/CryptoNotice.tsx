import { useOrgKey } from '../orgKey.js'

/**
 * Shown on every page when the library cannot encrypt here. The text is the
 * library's own error (code and message), plus what it means for this demo.
 */
export function CryptoNotice() {
  const { cryptoError } = useOrgKey()
  if (!cryptoError) return null
  const local = `http://localhost:${location.port || '80'}${location.pathname}${location.hash}`
  return (
    <div className="notice error" role="alert" data-testid="crypto-notice">
      <h2>This page cannot encrypt</h2>
      <p>
        <code>{cryptoError.code}</code>: {cryptoError.message}
      </p>
      {cryptoError.code === 'ERR_WEBCRYPTO_UNAVAILABLE' && (
        <p>
          You opened <code>{location.origin}</code>, which is plain http on a host other than localhost, so the browser
          hides WebCrypto. Nothing you type here is sent. Open <a href={local}>{local}</a> instead, or serve the page over https.
        </p>
      )}
    </div>
  )
}
