import { useFincodeKey } from 'fincode-secure/react'
import { useState } from 'react'
import { api } from '../api.js'
import { ConfirmDialog } from './ConfirmDialog.js'

/** "Rotate key" with a confirmation that says what rotation breaks. Used on the Keys page and next to the PIN form. */
export function RotateKeyButton({ onRotated, label = 'Rotate key…' }: { onRotated?: (previous: string, next: string) => void; label?: string }) {
  const key = useFincodeKey()
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const confirm = async () => {
    setBusy(true)
    setError(null)
    try {
      const { previousFingerprint, fingerprint } = await api.rotateKey()
      // Every form on the page takes the new key from the provider and encrypts what it holds again.
      await key.refresh()
      setOpen(false)
      onRotated?.(previousFingerprint, fingerprint)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <button type="button" className="button danger" onClick={() => setOpen(true)} disabled={!key.publicKey}>
        {label}
      </button>
      <ConfirmDialog
        open={open}
        title="Rotate the encryption key?"
        confirmLabel="Rotate now"
        busy={busy}
        onConfirm={confirm}
        onCancel={() => setOpen(false)}
      >
        <p>
          A new key pair is created and <strong>the current key stops working at once</strong>. Every payload encrypted with it
          — by open forms, other tabs or servers that cached it — will be refused until they fetch the new key.
        </p>
        {key.fingerprint && (
          <p className="hint">
            Current key: <span className="mono break">{key.fingerprint}</span>
          </p>
        )}
        {error && (
          <p className="field-error" role="alert">
            Rotation failed: {error}
          </p>
        )}
      </ConfirmDialog>
    </>
  )
}
