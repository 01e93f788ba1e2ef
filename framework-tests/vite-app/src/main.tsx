import { FincodeKeyProvider } from 'fincode-secure/react'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { TransferForm } from './TransferForm'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <h1>Send money</h1>
    {/* Loads the organisation's key from the app's key route, and again after a rotation. */}
    <FincodeKeyProvider url="/api/fincode-key">
      <TransferForm />
    </FincodeKeyProvider>
  </StrictMode>,
)
