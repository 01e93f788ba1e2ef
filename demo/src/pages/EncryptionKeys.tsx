import { useFincodeKey } from 'fincode-secure/react'
import { useRef, useState } from 'react'
import { CopyButton } from '../components/CopyButton.js'
import { RotateKeyButton } from '../components/RotateKey.js'
import { isLoopbackHost } from '../loopback.mjs'

/** The key as the dashboard shows it: one line of Base64 of the SPKI DER. */
const base64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''))

export function EncryptionKeysPage() {
  const { publicKey: key, status } = useFincodeKey()
  // Not the sample key the forms get on a host name the demo's API does not answer (see App.tsx).
  const served = isLoopbackHost(location.hostname)
  const keyText = key && served ? base64(key.spki) : ''
  const keyBox = useRef<HTMLTextAreaElement>(null)
  const [rotated, setRotated] = useState<string | null>(null)

  return (
    <>
      <p className="lede">
        Browsers and servers encrypt PINs and passwords with this public key (RSA-OAEP, SHA-256) before they leave. Only
        FinCode — here, the local sandbox — holds the private key.
      </p>
      {!served && (
        <p className="notice error" role="alert">
          The demo's API answers only localhost, 127.0.0.1 and [::1], not {location.hostname} (a defence against DNS rebinding).
          Open http://localhost:{location.port || '80'}/ instead.
        </p>
      )}
      {served && (status === 'idle' || status === 'loading') && <p aria-live="polite">Loading the key…</p>}
      {key && served && (
        <section className="card" aria-labelledby="key-title">
          <h2 id="key-title">Public key</h2>
          <label htmlFor="public-key" className="label">
            PUBLIC KEY (Base64 SPKI, paste it into your app as is)
          </label>
          <textarea
            id="public-key"
            ref={keyBox}
            className="keybox"
            readOnly
            rows={6}
            value={keyText}
            aria-describedby="public-key-hint"
            data-testid="public-key"
          />
          <p id="public-key-hint" className="hint">
            One line of Base64, no PEM header: the same text FinCode's dashboard shows.
          </p>
          <CopyButton text={keyText} label="Copy public key" selectTarget={() => keyBox.current} />
          <dl className="facts">
            <div className="fact">
              <dt>Fingerprint (SHA-256 of the SPKI)</dt>
              <dd className="mono break" data-testid="key-fingerprint">
                {key.fingerprint}
              </dd>
            </div>
            <div className="fact">
              <dt>Size</dt>
              <dd data-testid="key-size">
                RSA-{key.modulusLength} · up to {Math.ceil(key.modulusLength / 8) - 66} bytes of UTF-8 per field
              </dd>
            </div>
          </dl>
        </section>
      )}
      {key && served && (
        <section className="card" aria-labelledby="rotate-title">
          <h2 id="rotate-title">Rotate</h2>
          <p>
            Rotation creates a new key pair. The current key stops working <strong>at once</strong>: anything encrypted with it
            afterwards is refused.
          </p>
          <RotateKeyButton onRotated={(previous, next) => setRotated(`Rotated. Key ${previous.slice(0, 16)}… is retired; key ${next.slice(0, 16)}… is the new one.`)} />
          <p role="status" className="status">
            {rotated}
          </p>
        </section>
      )}
    </>
  )
}
