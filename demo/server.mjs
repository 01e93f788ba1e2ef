#!/usr/bin/env node
// `npm run demo`: the local FinCode sandbox, the demo's backend and the Vite
// dev server for its pages, in one process. No account, no network.
//
//   PORT                  the page's port (default 5173)
//   FINCODE_SANDBOX_DIR   the sandbox's data directory (default .fincode-sandbox)
//   FINCODE_SANDBOX_PORT  the sandbox's port (default 0: any free port)
//   FINCODE_DEMO_CACHE_DIR  Vite's dependency cache (default node_modules/.vite-demo;
//                         the tests give each demo its own, as two may run at once)
//
// Imports the built package (dist/): `npm run demo` builds it first.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
if (!existsSync(new URL('../dist/sandbox/index.js', import.meta.url))) {
  console.error('dist/ is missing or incomplete: run `npm run demo` (it builds first), or `npm run build`.')
  process.exit(1)
}

const { startSandbox, DEFAULT_CASHIER, DEFAULT_TRANSACTION_PIN, SandboxStartError } = await import('fincode-secure/sandbox')
const { createServer } = await import('vite')
const { createDemoBackend } = await import('./backend.mjs')

const port = integer('PORT', 5173)
const sandboxPort = integer('FINCODE_SANDBOX_PORT', 0)
const dataDir = process.env.FINCODE_SANDBOX_DIR || '.fincode-sandbox'

function integer(name, fallback) {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number from 0 to 65535, got ${JSON.stringify(text)}.`)
    process.exit(1)
  }
  return value
}

const sandbox = await startSandbox({ port: sandboxPort, dataDir }).catch((error) => {
  // A data directory another sandbox holds, or one other users can read: the message says what to do.
  if (!(error instanceof SandboxStartError)) throw error
  console.error(`${error.code}: ${error.message}`)
  process.exit(1)
})
const backend = await createDemoBackend(sandbox, { cashierEmail: DEFAULT_CASHIER.email })

const sigtermListeners = process.listeners('SIGTERM')
const vite = await createServer({
  configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Keep Vite's optimised dependencies apart from vitest's.
  cacheDir: process.env.FINCODE_DEMO_CACHE_DIR || fileURLToPath(new URL('../node_modules/.vite-demo', import.meta.url)),
  clearScreen: false,
  server: {
    // 127.0.0.1, not "localhost": one address whatever /etc/hosts says, and the
    // one that --host-resolver-rules maps app.test to in the insecure-origin test.
    host: '127.0.0.1',
    port,
    strictPort: port !== 0,
    // app.test: the end-to-end test serves the page as plain http on a host that
    // is not localhost, to show the page's answer to a non-secure origin.
    allowedHosts: ['app.test'],
    fs: { allow: [root] },
  },
  // Pre-bundle React up front, so the first page load never triggers a reload.
  optimizeDeps: { include: ['react', 'react-dom', 'react-dom/client', 'react/jsx-dev-runtime', 'react/jsx-runtime'] },
  plugins: [
    {
      name: 'fincode-demo-backend',
      configureServer(server) {
        server.middlewares.use(backend.middleware)
      },
    },
  ],
})
// Vite exits the process on SIGTERM by itself, which would cut the sandbox's last
// state write short: this process stops Vite and the sandbox together instead.
for (const listener of process.listeners('SIGTERM')) if (!sigtermListeners.includes(listener)) process.off('SIGTERM', listener)
await vite.listen()
const actualPort = vite.httpServer.address().port

console.log(`
  fincode-secure demo   http://localhost:${actualPort}/
  sandbox API           ${sandbox.apiUrl}   (data in ${sandbox.dataDir})
  sandbox cashier       ${DEFAULT_CASHIER.email} / ${DEFAULT_CASHIER.password}   (for creating API tokens)
  transaction PIN       ${DEFAULT_TRANSACTION_PIN} on a new sandbox (delete ${dataDir} to start over)

  Press Ctrl+C to stop.
`)
// One machine-readable line for scripts and tests that start the demo.
console.log(`DEMO_READY ${JSON.stringify({ url: `http://localhost:${actualPort}/`, port: actualPort, sandbox: sandbox.apiUrl })}`)

let stopping = false
async function stop(signal) {
  if (stopping) return
  stopping = true
  await Promise.allSettled([vite.close(), sandbox.close()])
  process.exit(signal === 'SIGINT' ? 130 : 0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
