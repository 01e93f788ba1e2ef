import { useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react'
import { FincodeKeyProvider } from 'fincode-secure/react'
import { CryptoNotice } from './components/CryptoNotice.js'
import { isLoopbackHost } from './loopback.mjs'
import { ApiTokensPage } from './pages/ApiTokens.js'
import { ChangePinPage } from './pages/ChangePin.js'
import { EncryptionKeysPage } from './pages/EncryptionKeys.js'
import { SAMPLE_PUBLIC_KEY } from './sampleKey.js'

interface Route {
  hash: string
  title: string
  section: string
  render: () => ReactNode
}

// Hash routes: the demo is one static page served by Vite, and a hash needs no server fallback.
const ROUTES: Route[] = [
  { hash: '#/settings/keys', title: 'Encryption Keys', section: 'Settings → API Connections', render: () => <EncryptionKeysPage /> },
  { hash: '#/settings/tokens', title: 'API Tokens', section: 'Settings → API Connections', render: () => <ApiTokensPage /> },
  { hash: '#/pin', title: 'Change transaction PIN', section: 'Account', render: () => <ChangePinPage /> },
]

/**
 * Every page reads the organisation's key from the demo's key endpoint (createPublicKeyHandler in
 * demo/backend.mjs). The demo's API answers loopback host names only (DNS rebinding), so on any other
 * name the forms get a sample key instead: on plain http there the library refuses it with its own
 * error (ERR_WEBCRYPTO_UNAVAILABLE), which CryptoNotice shows before anything is typed.
 */
function KeyProvider({ children }: { children: ReactNode }) {
  if (isLoopbackHost(location.hostname)) return <FincodeKeyProvider url="/demo-api/key">{children}</FincodeKeyProvider>
  return <FincodeKeyProvider load={() => SAMPLE_PUBLIC_KEY}>{children}</FincodeKeyProvider>
}

const subscribe = (onChange: () => void) => {
  addEventListener('hashchange', onChange)
  return () => removeEventListener('hashchange', onChange)
}
const currentHash = () => location.hash

export function App() {
  const hash = useSyncExternalStore(subscribe, currentHash, () => '')
  const route = ROUTES.find((r) => r.hash === hash) ?? ROUTES[0]!
  const heading = useRef<HTMLHeadingElement>(null)
  const first = useRef(true)

  useEffect(() => {
    document.title = `${route.title} · fincode-secure demo`
    // After a navigation, move focus to the new page's heading so screen readers
    // and keyboard users start there; not on the first load.
    if (first.current) first.current = false
    else heading.current?.focus()
  }, [route])

  return (
    <KeyProvider>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), heading.current?.focus())}>
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">
          fincode<span aria-hidden="true">·</span>secure <span className="tag">demo</span>
        </span>
        <span className="sandbox-badge" title="Everything runs on this machine: no FinCode account, no network">
          Local sandbox
        </span>
      </header>
      <div className="shell">
        <nav className="sidenav" aria-label="Demo pages">
          <p className="nav-group">Settings → API Connections</p>
          <ul>
            {ROUTES.slice(0, 2).map((r) => (
              <NavLink key={r.hash} route={r} current={r === route} />
            ))}
          </ul>
          <p className="nav-group">Account</p>
          <ul>
            <NavLink route={ROUTES[2]!} current={ROUTES[2] === route} />
          </ul>
        </nav>
        <main id="main" className="content">
          <p className="breadcrumb">{route.section}</p>
          <h1 ref={heading} tabIndex={-1}>
            {route.title}
          </h1>
          <CryptoNotice />
          {route.render()}
        </main>
      </div>
    </KeyProvider>
  )
}

function NavLink({ route, current }: { route: Route; current: boolean }) {
  return (
    <li>
      <a href={route.hash} aria-current={current ? 'page' : undefined}>
        {route.title}
      </a>
    </li>
  )
}
