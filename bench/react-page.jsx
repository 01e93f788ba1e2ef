// The React half of the benchmark: a PIN form with useEncryptedField, wrapped
// in React's Profiler, in real Chromium. bench/chromium.mjs types the PIN with
// real key presses (Playwright's keyboard) and reads the counts.
import { Profiler, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { useEncryptedField } from '../dist/react/index.js'

const counts = { commits: 0, formRenders: 0, controlCommits: 0 }
const state = { status: 'idle', fingerprint: null }

function PinForm({ publicKey }) {
  counts.formRenders++ // every call of the form component, committed or not
  const pin = useEncryptedField({ publicKey, name: 'transactionPin' })
  state.status = pin.status
  state.fingerprint = pin.fingerprint
  return (
    <form onSubmit={pin.onSubmit} method="post" action="/change-pin">
      <label>
        PIN <input data-testid="pin" {...pin.inputProps} />
      </label>
      <input {...pin.hiddenInputProps} />
      <button>Change PIN</button>
    </form>
  )
}

// The control: a PIN kept in React state, which must re-render on every
// keystroke — proof that the Profiler here does count renders.
function ControlledPin() {
  const [value, setValue] = useState('')
  return <input data-testid="control" type="password" value={value} onChange={(event) => setValue(event.target.value)} />
}

window.reactBench = {
  mount(publicKey) {
    const root = document.createElement('div')
    document.body.append(root)
    createRoot(root).render(
      <>
        <Profiler id="form" onRender={() => counts.commits++}>
          <PinForm publicKey={publicKey} />
        </Profiler>
        <Profiler id="control" onRender={() => counts.controlCommits++}>
          <ControlledPin />
        </Profiler>
      </>,
    )
  },
  state: () => ({ ...state }),
  counts: () => ({ ...counts }),
  resetCounts() {
    counts.commits = 0
    counts.formRenders = 0
    counts.controlCommits = 0
  },
}
