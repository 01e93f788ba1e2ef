import type { FieldVerdict, PinResult } from '../api.js'

/** "AbCd…WxYz (344 chars)": enough to see it is a ciphertext, not a wall of Base64. */
export function shorten(text: string, keep = 12): string {
  return text.length <= keep * 2 + 1 ? text : `${text.slice(0, keep)}…${text.slice(-keep)} (${text.length} chars)`
}

function shortenBody(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 40 ? shorten(value) : value
  if (Array.isArray(value)) return value.map(shortenBody)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenBody(v)]))
  return value
}

export function VerdictTable({ verdicts }: { verdicts: FieldVerdict[] }) {
  return (
    <table className="table stack verdicts">
      <caption>The sandbox's verdict, per field</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Decrypted</th>
          <th scope="col">Variant</th>
          <th scope="col">Key</th>
        </tr>
      </thead>
      <tbody>
        {verdicts.map((v) => (
          <tr key={v.field}>
            <th scope="row" data-label="Field">
              <code>{v.field}</code>
            </th>
            <td data-label="Decrypted">
              <span className={v.decrypted ? 'badge ok' : 'badge bad'}>{v.decrypted ? 'yes' : 'no'}</span>
              {!v.decrypted && v.reason && <> {v.reason === 'rotated-key' ? 'made with a rotated key' : v.reason}</>}
            </td>
            <td data-label="Variant">{v.variant ?? '—'}</td>
            <td data-label="Key" className="mono">{v.keyFingerprint ? `${v.keyFingerprint.slice(0, 12)}…` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * What crossed the wire between the demo's backend and the sandbox, token left out: one entry per
 * send of the submission — two when the key was rotated while the form was open.
 */
export function WireView({ attempts }: { attempts: PinResult[] }) {
  return (
    <section className="wire" aria-labelledby="wire-title">
      <h3 id="wire-title">What crossed the wire</h3>
      {attempts.length > 1 && (
        <p>
          The form sent {attempts.length} times: the demo's server refused the first ciphertexts as made with a rotated key, and
          the form encrypted the PINs again with the current key, by itself.
        </p>
      )}
      <ol className="attempts" style={{ listStyle: 'none', padding: 0 }}>
        {attempts.map((attempt, i) => (
          <li key={i} data-testid="wire-attempt">
            {attempts.length > 1 && <h4>Attempt {i + 1}</h4>}
            <Attempt attempt={attempt} />
          </li>
        ))}
      </ol>
    </section>
  )
}

function Attempt({ attempt }: { attempt: PinResult }) {
  const { wire } = attempt
  const encryptedWith = (
    <div className="fact">
      <dt>Encrypted with key (fingerprint)</dt>
      <dd className="mono break">{attempt.keyFingerprint ?? 'unknown'}</dd>
    </div>
  )
  if (!wire) {
    return (
      <>
        <dl className="facts">{encryptedWith}</dl>
        <p>
          Nothing was sent to the sandbox.
          {attempt.currentKeyFingerprint !== undefined && (
            <>
              {' '}
              The demo's server saw that the form's key is no longer the current one
              {attempt.currentKeyFingerprint && (
                <>
                  {' '}
                  (<span className="mono">{attempt.currentKeyFingerprint.slice(0, 12)}…</span>)
                </>
              )}{' '}
              and answered <code>409 KEY_ROTATED</code> (readEncryptedFields, keyRotatedResponse).
            </>
          )}
        </p>
      </>
    )
  }
  return (
    <>
      <p className="mono">
        {wire.method} {wire.url} → {attempt.status ?? 'no answer'}
      </p>
      <dl className="facts">
        {encryptedWith}
        {Object.entries(wire.headers).map(([name, value]) => (
          <div key={name} className="fact">
            <dt className="mono">{name}</dt>
            <dd className="mono break">{value}</dd>
          </div>
        ))}
        <div className="fact">
          <dt className="mono">X-Auth-Token</dt>
          <dd>held by the demo's server, never sent to this page</dd>
        </div>
      </dl>
      <pre className="code" aria-label="Request body, ciphertexts shortened">
        {JSON.stringify(shortenBody(wire.body), null, 2)}
      </pre>
    </>
  )
}
