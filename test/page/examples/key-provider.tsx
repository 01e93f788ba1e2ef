// Example (docs/key-rotation.md): one key for every encrypted field of the app.
import { FincodeKeyProvider, useEncryptedField, useFincodeKey, type EncryptedValues } from '../../../src/react/index.js'

export function App({ save }: { save: (values: EncryptedValues) => Promise<unknown> }) {
  return (
    <FincodeKeyProvider url="/api/fincode-key">
      <PinForm save={save} />
    </FincodeKeyProvider>
  )
}

function PinForm({ save }: { save: (values: EncryptedValues) => Promise<unknown> }) {
  const key = useFincodeKey() // { publicKey, status, error, fingerprint, refresh, source }
  // No publicKey: the field takes the provider's. If `save` returns the rotated-key answer (a 409 from your
  // server), handleSubmit fetches the new key, encrypts the PIN again and calls `save` once more.
  const pin = useEncryptedField({ name: 'transactionPin', required: true })
  return (
    <form onSubmit={pin.handleSubmit(save)}>
      <input {...pin.inputProps} aria-label="Transaction PIN" />
      {/* The provider's error (its endpoint is down…) is the field's error while there is no key. */}
      {pin.error && <p role="alert">{pin.validationMessage ?? pin.error.message}</p>}
      {key.error && (
        <button type="button" onClick={() => void key.refresh().catch(() => {})}>
          Try again
        </button>
      )}
      <button type="submit" disabled={key.status !== 'ready' && key.status !== 'refreshing'}>
        {pin.status === 'retrying' ? 'Sending again…' : 'Change PIN'}
      </button>
    </form>
  )
}
