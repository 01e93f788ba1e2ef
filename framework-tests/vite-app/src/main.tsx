import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { TransferForm } from './TransferForm'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <h1>Send money</h1>
    <TransferForm keyUrl="/api/fincode-key" />
  </StrictMode>,
)
