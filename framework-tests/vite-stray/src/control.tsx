import { encryptPayload } from 'fincode-secure'
import { useEncryptedField } from 'fincode-secure/react'
import { createRoot } from 'react-dom/client'

function Pin() {
  const pin = useEncryptedField({ publicKey: null, name: 'transactionPin' })
  return <input {...pin.inputProps} data-encrypt={typeof encryptPayload} />
}

createRoot(document.getElementById('root')!).render(<Pin />)
