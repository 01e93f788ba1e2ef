import type { FincodePublicKey } from 'fincode-secure'
import { useEncryptedField, useFincodeKey } from 'fincode-secure/react'
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type RefObject } from 'react'
import { api, DemoApiError, type ExpiryOption, type TokenSummary } from '../api.js'
import { ConfirmDialog } from '../components/ConfirmDialog.js'
import { CopyButton } from '../components/CopyButton.js'
import { DemoEncryptedInput } from '../components/EncryptedInput.js'
import { CASHIER_PASSWORD_FIELD } from '../fields.js'

const date = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'never')

export function ApiTokensPage() {
  const key = useFincodeKey()
  const [tokens, setTokens] = useState<TokenSummary[] | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  const [sandbox, setSandbox] = useState<{ cashier: { email: string }; expiries: ExpiryOption[] } | null>(null)
  // The new token's summary is state; the token itself goes from the answer
  // straight into the DOM input that shows it once, and is never React state.
  const [created, setCreated] = useState<TokenSummary | null>(null)
  const secret = useRef('')
  const secretBox = useRef<HTMLInputElement>(null)
  useLayoutEffect(() => {
    if (created && secretBox.current) secretBox.current.value = secret.current
    secret.current = ''
  }, [created])
  const [toInvalidate, setToInvalidate] = useState<TokenSummary | null>(null)
  // The token whose successor the form at the top makes, instead of a new token.
  const [rotating, setRotating] = useState<TokenSummary | null>(null)
  const [invalidating, setInvalidating] = useState(false)
  const [listNote, setListNote] = useState<string | null>(null)
  const activeLabels = useMemo(() => (tokens ?? []).filter((t) => t.status === 'active').map((t) => t.label), [tokens])

  const reload = useCallback(async () => {
    try {
      setTokens((await api.tokens()).tokens)
      setListError(null)
    } catch (error) {
      setListError(error instanceof Error ? error.message : String(error))
    }
  }, [])

  useEffect(() => {
    void reload()
    api.sandbox().then(setSandbox, (error: unknown) => setListError(error instanceof Error ? error.message : String(error)))
  }, [reload])

  const invalidate = async () => {
    if (!toInvalidate) return
    setInvalidating(true)
    try {
      const answer = await api.invalidateToken(toInvalidate.id)
      setListNote(`"${toInvalidate.label}" was invalidated: requests with it are refused from now on.${answer.note ? ` ${answer.note}` : ''}`)
      setToInvalidate(null)
      await reload()
    } catch (error) {
      setListNote(`Could not invalidate: ${error instanceof Error ? error.message : String(error)}`)
      setToInvalidate(null)
    } finally {
      setInvalidating(false)
    }
  }

  return (
    <>
      <p className="lede">
        API tokens let your servers call FinCode. Create one per service; the token is shown once, and FinCode keeps only its
        hash. Creating one asks for the cashier's password, which this page encrypts before it is sent.
      </p>
      {created ? (
        <NewToken token={created} box={secretBox} onDone={() => setCreated(null)} />
      ) : (
        <CreateTokenForm
          key={rotating?.id ?? 'create'}
          publicKey={key.publicKey}
          sandbox={sandbox}
          activeLabels={activeLabels}
          rotating={rotating}
          onCancel={() => setRotating(null)}
          onCreated={async ({ token, note, ...summary }) => {
            setRotating(null)
            if (token) {
              secret.current = token
              setCreated(summary)
            } else if (note) setListNote(note)
            await reload()
          }}
        />
      )}

      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Tokens</h2>
        {listError && (
          <p className="notice error" role="alert">
            {listError}
          </p>
        )}
        <p role="status" className="status">
          {listNote}
        </p>
        {tokens && tokens.length === 0 && <p>No tokens yet.</p>}
        {tokens && tokens.length > 0 && (
          <table className="table stack" data-testid="token-list">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-token-label={t.label} data-token-id={t.id}>
                  <th scope="row" data-label="Service">
                    {t.label}
                    {t.usedByDemoBackend && <span className="hint"> (this demo's server)</span>}
                    <RotationLink token={t} tokens={tokens} />
                  </th>
                  <td data-label="Expires">{date(t.expiresAt)}</td>
                  <td data-label="Last used">{date(t.lastUsedAt)}</td>
                  <td data-label="Status">
                    <span className={t.status === 'active' ? 'badge ok' : 'badge bad'}>{t.status}</span>
                    {t.expiringSoon && <span className="badge bad"> expires soon</span>}
                    {t.unusedFor30Days && <span className="badge bad"> unused 30 days</span>}
                  </td>
                  <td data-label="">
                    {t.status === 'active' && !t.replacedBy && (
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => {
                          setCreated(null)
                          setRotating(t)
                          window.scrollTo({ top: 0 })
                        }}
                      >
                        Rotate<span className="visually-hidden"> {t.label}</span>
                      </button>
                    )}{' '}
                    {t.status === 'active' && (
                      <button type="button" className="button secondary small" onClick={() => setToInvalidate(t)}>
                        Invalidate<span className="visually-hidden"> {t.label}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <ConfirmDialog
        open={toInvalidate !== null}
        title={`Invalidate "${toInvalidate?.label ?? ''}"?`}
        confirmLabel="Invalidate"
        busy={invalidating}
        onConfirm={invalidate}
        onCancel={() => setToInvalidate(null)}
      >
        <p>The token stops working at once: every request that uses it is refused. This cannot be undone.</p>
        {toInvalidate?.replacedBy && (
          <p className="hint">
            Its successor keeps working. It was last used {date(toInvalidate.lastUsedAt)}: invalidate it once no service uses it any more.
          </p>
        )}
        {toInvalidate?.usedByDemoBackend && (
          <p className="hint">This is the token the demo's own server uses; it will create itself a new one.</p>
        )}
      </ConfirmDialog>
    </>
  )
}

/** Both tokens of a rotation point at each other: the successor says what it replaces, the old one what replaced it. */
function RotationLink({ token, tokens }: { token: TokenSummary; tokens: TokenSummary[] }) {
  const other = (id: string) => tokens.find((t) => t.id === id)
  if (token.replacedBy) {
    const successor = other(token.replacedBy)
    return <span className="hint"> — replaced by the token created {date(successor?.createdAt ?? null)}</span>
  }
  if (token.replaces) {
    const old = other(token.replaces)
    return <span className="hint"> — replaces the token created {date(old?.createdAt ?? null)}</span>
  }
  return null
}

function CreateTokenForm(props: {
  publicKey: FincodePublicKey | null
  sandbox: { cashier: { email: string }; expiries: ExpiryOption[] } | null
  /** Labels of the active tokens: a LABEL_TAKEN refusal stands only while its label is one of them. */
  activeLabels: readonly string[]
  /** Set: the form makes a successor for this token (same label) instead of a new token. */
  rotating: TokenSummary | null
  onCancel: () => void
  onCreated: (token: { token?: string; note?: string } & TokenSummary) => Promise<void>
}) {
  const id = useId()
  const password = useEncryptedField({ publicKey: props.publicKey, name: CASHIER_PASSWORD_FIELD, required: "Enter the cashier's password.", inputMode: 'text' })
  const [label, setLabel] = useState('')
  const [email, setEmail] = useState('')
  const [expiry, setExpiry] = useState('')
  const [errors, setErrors] = useState<{ label?: string; email?: string; expiry?: string; form?: string }>({})
  // The label a LABEL_TAKEN refusal was about: the refusal is cleared once the
  // label is edited or the token that held it is no longer active.
  const [takenLabel, setTakenLabel] = useState<string | null>(null)
  useEffect(() => {
    if (takenLabel === null) return
    if (label.trim() === takenLabel && props.activeLabels.includes(takenLabel)) return
    setTakenLabel(null)
    setErrors((current) => ({ ...current, form: undefined }))
  }, [takenLabel, label, props.activeLabels])
  const [busy, setBusy] = useState(false)
  const expiries = props.sandbox?.expiries ?? []
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (props.rotating) heading.current?.focus()
  }, [props.rotating])

  const send = password.handleSubmit(async (values) => {
    setBusy(true)
    try {
      if (props.rotating) await props.onCreated(await api.rotateToken(props.rotating.id, { expiry, email, ...values }))
      else await props.onCreated(await api.createToken({ label: label.trim(), expiry, email, ...values }))
      setLabel('')
    } catch (error) {
      setErrors({ form: error instanceof DemoApiError ? `${error.code}: ${error.message}` : String(error) })
      setTakenLabel(error instanceof DemoApiError && error.code === 'LABEL_TAKEN' ? label.trim() : null)
    } finally {
      setBusy(false)
    }
  })

  // The plain fields are checked first; the password is checked (and encrypted) by the hook.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const found: typeof errors = {}
    if (!props.rotating && !label.trim()) found.label = 'Name the service that will use this token.'
    if (!expiry) found.expiry = 'Choose when the token expires.'
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) found.email = 'Enter the cashier’s email address.'
    setErrors(found)
    if (Object.keys(found).length) {
      const form = event.currentTarget
      requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
      return
    }
    void send()
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {props.rotating ? `Rotate “${props.rotating.label}”` : 'Create a token'}
      </h2>
      {props.rotating && (
        <p>
          A successor for this service's token, with the same name. The current token keeps working until you invalidate it, so
          the service can switch over without an interruption: put the successor where it reads its token, then invalidate the
          old one once its last use (in the list below) is behind you.
        </p>
      )}
      {props.sandbox && (
        <p className="hint">
          The sandbox's cashier is <code>{props.sandbox.cashier.email}</code>; the terminal that runs <code>npm run demo</code>{' '}
          shows the password (a sandbox default).
        </p>
      )}
      <form onSubmit={onSubmit} noValidate>
        {!props.rotating && (
          <div className="field">
            <label htmlFor={`${id}-label`} className="label">
              Service name
            </label>
            <input
              id={`${id}-label`}
              className="input"
              value={label}
              onChange={(e) => setLabel(e.target.value)}
              aria-invalid={Boolean(errors.label)}
              aria-describedby={`${id}-label-hint ${id}-label-error`}
              maxLength={64}
            />
            <p id={`${id}-label-hint`} className="hint">
              One token per service, e.g. “payouts-worker”.
            </p>
            <p id={`${id}-label-error`} className="field-error">
              {errors.label}
            </p>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-expiry`} className="label">
            Expires after
          </label>
          <select
            id={`${id}-expiry`}
            className="input"
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
            aria-invalid={Boolean(errors.expiry)}
            aria-describedby={`${id}-expiry-error`}
          >
            <option value="">Choose…</option>
            {expiries.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <p id={`${id}-expiry-error`} className="field-error">
            {errors.expiry}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`} className="label">
            Cashier’s email
          </label>
          <input
            id={`${id}-email`}
            className="input"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={Boolean(errors.email)}
            aria-describedby={`${id}-email-error`}
          />
          <p id={`${id}-email-error`} className="field-error">
            {errors.email}
          </p>
        </div>
        <DemoEncryptedInput field={password} label="Cashier’s password" hint="The password the cashier signs in to the dashboard with." />
        <p className="field-error" role="alert">
          {errors.form}
        </p>
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy || !props.publicKey}>
            {props.rotating ? (busy ? 'Rotating…' : 'Rotate token') : busy ? 'Creating…' : 'Create token'}
          </button>
          {props.rotating && (
            <button type="button" className="button secondary" onClick={props.onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  )
}

function NewToken({ token, box, onDone }: { token: TokenSummary; box: RefObject<HTMLInputElement | null>; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])
  return (
    <section className="card highlight" aria-labelledby="new-token-title">
      <h2 id="new-token-title" ref={heading} tabIndex={-1}>
        {token.replaces ? `Successor for “${token.label}” created` : `Token for “${token.label}” created`}
      </h2>
      <p>
        <strong>Copy it now: it is shown only once.</strong> The sandbox stores only its hash. It expires on{' '}
        {date(token.expiresAt)}.
      </p>
      {token.replaces && (
        <p>
          The old token keeps working. Put this one where the service reads its token, then invalidate the old one once its last
          use is behind you.
        </p>
      )}
      <label htmlFor="new-token" className="label">
        API token
      </label>
      <input id="new-token" ref={box} className="input mono wide" readOnly defaultValue="" data-testid="new-token" />
      <div className="actions">
        <CopyButton text={() => box.current?.value ?? ''} label="Copy token" selectTarget={() => box.current} />
        <button type="button" className="button secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  )
}
