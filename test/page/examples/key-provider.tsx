// Example (docs/key-rotation.md): one key for every encrypted field of the app.
import { FincodeKeyProvider, useEncryptedField, useFincodeKey, type EncryptedValues } from '../../../src/react/index.js'

export function App({ save }: { save: (values: EncryptedValues) => Promise<void> }) {
  return (
    <FincodeKeyProvider url="/api/fincode-key">
      <PinForm save={save} />
    </FincodeKeyProvider>
  )
}

function PinForm({ save }: { save: (values: EncryptedValues) => Promise<void> }) {
  const key = useFincodeKey() // { publicKey, status, error, fingerprint, refresh, source }
  const pin = useEncryptedField({ publicKey: key.publicKey, name: 'transactionPin', required: true })
  return (
    <form onSubmit={pin.handleSubmit(save)}>
      <input {...pin.inputProps} aria-label="Transaction PIN" />
      {key.error && (
        <p role="alert">
          {key.error.message} <button type="button" onClick={() => void key.refresh().catch(() => {})}>Try again</button>
        </p>
      )}
      {pin.error && <p role="alert">{pin.validationMessage ?? pin.error.message}</p>}
      <button type="submit" disabled={key.status !== 'ready' && key.status !== 'refreshing'}>
        Change PIN
      </button>
    </form>
  )
}
