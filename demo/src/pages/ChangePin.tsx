import { isFincodeSecureError } from 'fincode-secure'
import {
  useEncryptedField,
  useEncryptedFields,
  useFincodeKey,
  type EncryptedValues,
  type KeyRetry,
} from 'fincode-secure/react'
import { useRef, useState, type FormEvent } from 'react'
import { api, DemoApiError, type PinResult } from '../api.js'
import { DemoEncryptedInput } from '../components/EncryptedInput.js'
import { RotateKeyButton } from '../components/RotateKey.js'
import { VerdictTable, WireView } from '../components/WireView.js'
import { PIN_FIELDS } from '../fields.js'

const PIN_RULE = /^[0-9]{4,12}$/
const pinRule = (value: string) => (PIN_RULE.test(value) ? null : 'Enter 4 to 12 digits.')

/** Ciphertexts (never PINs) by field name, with fincodeKeyFingerprint. */
type Sent = EncryptedValues

export function ChangePinPage() {
  const key = useFincodeKey()
  const [retried, setRetried] = useState<KeyRetry | null>(null)
  // No publicKey: the fields take <FincodeKeyProvider>'s key, so a rotation anywhere (the button below, another tab,
  // the sandbox's API) reaches them, and a submission refused for a rotated key recovers by itself.
  const pin = { validate: pinRule, onKeyRetry: setRetried }
  const current = useEncryptedField({ name: PIN_FIELDS.current, required: 'Enter your current PIN.', ...pin })
  const next = useEncryptedField({ name: PIN_FIELDS.next, required: 'Choose a new PIN.', ...pin })
  const confirm = useEncryptedField({ name: PIN_FIELDS.confirm, required: 'Enter the new PIN again.', ...pin })
  // The group check sees the plaintexts only for the duration of the call.
  const form = useEncryptedFields([current, next, confirm], {
    validate: (values) =>
      values[PIN_FIELDS.next] !== values[PIN_FIELDS.confirm]
        ? 'The confirmation does not match the new PIN.'
        : values[PIN_FIELDS.next] === values[PIN_FIELDS.current]
          ? 'The new PIN must differ from the current one.'
          : null,
  })

  /** Every send of the last submission: one, or two when the key was rotated while the form was open. */
  const [attempts, setAttempts] = useState<PinResult[]>([])
  const [failure, setFailure] = useState<string | null>(null)
  const [sending, setSending] = useState(false)
  // Ciphertexts of the last submission that reached the sandbox, for the replay button.
  const [previous, setPrevious] = useState<Sent | null>(null)
  const [replayed, setReplayed] = useState(false)
  const [rotatedNote, setRotatedNote] = useState<string | null>(null)
  const outcome = useRef<HTMLHeadingElement>(null)
  const retrying = form.status === 'retrying'

  const settle = (error?: unknown) => {
    if (error !== undefined) {
      setFailure(isFincodeSecureError(error) || error instanceof DemoApiError ? `${error.code}: ${error.message}` : String(error))
    }
    setSending(false)
    requestAnimationFrame(() => outcome.current?.focus())
  }

  /** One request to the demo's server; the attempt it reports goes to the wire view. The Response goes back as it came. */
  const sendOnce = async (values: Sent) => {
    const response = await api.changePin(values)
    if (response.ok) setPrevious(values)
    const answer = (await response.clone().json().catch(() => null)) as { attempt?: PinResult; error?: { code: string; message: string } } | null
    const attempt = response.status === 409 ? answer?.attempt : response.ok ? (answer as PinResult | null) : null
    if (attempt) setAttempts((list) => [...list, attempt])
    else if (!response.ok) setFailure(`${answer?.error?.code ?? `HTTP ${response.status}`}: ${answer?.error?.message ?? 'the demo backend failed.'}`)
    return response
  }

  // The form encrypts, calls sendOnce and, if the answer is the rotated-key answer (409 KEY_ROTATED), loads the new
  // key, encrypts what the inputs hold again and calls it once more. The inputs are emptied once it resolved.
  const submit = form.handleSubmit(sendOnce)
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    setAttempts([])
    setFailure(null)
    setRetried(null)
    setReplayed(false)
    setSending(true)
    submit(event).then(() => settle(), settle)
  }

  const replay = async (sent: Sent) => {
    setSending(true)
    setFailure(null)
    setRetried(null)
    try {
      setAttempts([await api.replayPin(sent)])
      setReplayed(true)
      settle()
    } catch (error) {
      settle(error)
    }
  }

  const result = attempts.at(-1) ?? null
  const groupError = form.validationMessage && ![current, next, confirm].some((f) => f.validationMessage) ? form.validationMessage : null

  return (
    <>
      <p className="lede">
        All three fields are encrypted in this browser with the organisation's public key before the form is sent. The demo's
        server passes the ciphertexts on to the sandbox with its API token; the sandbox decrypts them and answers per field.
      </p>
      <div className="split">
        <section className="card" aria-labelledby="pin-form-title">
          <h2 id="pin-form-title">New transaction PIN</h2>
          <form onSubmit={onSubmit} noValidate>
            <DemoEncryptedInput maxLength={12} field={current} label="Current PIN" hint="4 to 12 digits." />
            <DemoEncryptedInput maxLength={12} field={next} label="New PIN" hint="4 to 12 digits." />
            <DemoEncryptedInput maxLength={12} field={confirm} label="Confirm new PIN" hint="The new PIN again." error={groupError} />
            <div className="actions">
              {/* Not disabled while a field encrypts on blur: that blur comes from the click on this
                  very button, and a button disabled in between would swallow the click. */}
              <button type="submit" className="button primary" disabled={sending || key.status === 'idle' || key.status === 'loading'}>
                {retrying ? 'Key rotated: sending again…' : sending ? 'Sending…' : 'Change PIN'}
              </button>
            </div>
            <p role="status" className="status" data-testid="pin-retry">
              {retried &&
                `The key was rotated while the form was open: key ${retried.previousFingerprint.slice(0, 12)}… was refused, so the form encrypted what you typed again with key ${retried.fingerprint.slice(0, 12)}… and sent it once more${retrying ? '…' : '.'}`}
            </p>
          </form>
        </section>

        <aside className="card" aria-labelledby="key-in-use-title">
          <h2 id="key-in-use-title">Key in use</h2>
          <p>
            This form encrypts with key{' '}
            <span className="mono break" data-testid="form-fingerprint">
              {current.fingerprint ?? '…'}
            </span>
          </p>
          <p className="hint">
            Rotate it while you are typing: the form picks up the new key and encrypts what you typed again, so nothing made with
            the old key is sent.
          </p>
          <RotateKeyButton
            label="Rotate key while the form is open…"
            onRotated={(previousFingerprint, fingerprint) =>
              setRotatedNote(`Key ${previousFingerprint.slice(0, 12)}… was retired; the form now uses key ${fingerprint.slice(0, 12)}…`)
            }
          />
          <p role="status" className="status">
            {rotatedNote}
          </p>
          <h3>Replay</h3>
          <p className="hint">
            Send the ciphertexts of your last submission again, exactly as they were. After a rotation they were made with a
            retired key, and the sandbox refuses them.
          </p>
          <button
            type="button"
            className="button secondary"
            disabled={!previous || sending}
            onClick={() => previous && replay(previous)}
          >
            Replay the previous ciphertext
          </button>
        </aside>
      </div>

      <section className="card" aria-labelledby="outcome-title" hidden={!result && !failure}>
        <h2 id="outcome-title" ref={outcome} tabIndex={-1}>
          {failure ? 'The PIN was not changed' : result?.ok ? 'The sandbox changed the PIN' : 'The sandbox refused the request'}
          {replayed && ' (replayed ciphertext)'}
        </h2>
        <div role="status" data-testid="pin-outcome">
          {failure && <p className="notice error">{failure}</p>}
          {result && <Outcome result={result} replayed={replayed} />}
        </div>
        {result && result.verdicts.length > 0 && <VerdictTable verdicts={result.verdicts} />}
        {result && <WireView attempts={attempts} />}
      </section>
    </>
  )
}

function Outcome({ result, replayed }: { result: PinResult; replayed: boolean }) {
  if (result.ok) return <p className="notice ok">Every field decrypted, and the PIN was changed. The PIN itself is never shown back.</p>
  const error = result.error
  return (
    <div className="notice error">
      {error?.serverCode ? (
        <p>
          The sandbox answered HTTP {result.status} <code>{error.serverCode}</code>: {error.serverMessage}
          <br />
          <span className="hint">
            fincode-secure/server raised <code>{error.code}</code>.
          </span>
        </p>
      ) : (
        <p>
          <code>{error?.code}</code>: {error?.message}
        </p>
      )}
      {error?.code === 'ERR_KEY_ROTATED' && (
        <p data-testid="rotated-explanation">
          These ciphertexts were made with a key that has since been rotated. A rotated key stops working at once: the sandbox
          keeps it only to tell you why it refuses.{replayed ? ' The form itself already uses the new key, so submitting it again works.' : ''}{' '}
          The demo's server cannot retry on its own: it never had the PIN, only the browser's ciphertexts, so the browser must
          encrypt again with the current key.
        </p>
      )}
    </div>
  )
}

