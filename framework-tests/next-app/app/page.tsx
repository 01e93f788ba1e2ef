import { ChangePinForm } from './change-pin-form'

// A server component: it renders the form's HTML; the PINs are typed, checked
// and encrypted in the client component, and only ciphertexts reach the action.
export default function Page() {
  return (
    <main>
      <h1>Change your transaction PIN</h1>
      <ChangePinForm keyUrl="/api/fincode-key" />
    </main>
  )
}
