import { encryptPayload } from 'fincode-secure'
import { useEncryptedField } from 'fincode-secure/react'
// The mistake: the API-token client in page code.
import { createFincodeClient } from 'fincode-secure/server'
import { createRoot } from 'react-dom/client'

function Pin() {
  const pin = useEncryptedField({ publicKey: null, name: 'transactionPin' })
  const call = () => createFincodeClient({ baseUrl: 'http://127.0.0.1:8787/api/v6', token: 'fcs_stray_token_marker', publicKey: 'MIIB', uuid: 'stray' })
  return <input {...pin.inputProps} data-encrypt={typeof encryptPayload} onFocus={call} />
}

createRoot(document.getElementById('root')!).render(<Pin />)
