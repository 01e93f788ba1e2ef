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
// Before anything else it checks that the page's port is free (a second demo
// stops here, with one line, before it builds or touches anything), then builds
// dist/ only if a file in src/ is newer than what was built from it — in place,
// never `rm -rf dist`, which would pull the package from under a running demo.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** One line from the demo itself, then a non-zero exit: no stack trace for problems the user can fix. */
function fail(message) {
  console.error(`fincode-secure demo: ${message}`)
  process.exit(1)
}

function integer(name, fallback) {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0 || value > 65535) fail(`${name} must be a port number from 0 to 65535, got ${JSON.stringify(text)}.`)
  return value
}

const port = integer('PORT', 5173)
const sandboxPort = integer('FINCODE_SANDBOX_PORT', 0)
const dataDir = process.env.FINCODE_SANDBOX_DIR || '.fincode-sandbox'

/** Whether something already listens on 127.0.0.1:port (the address Vite takes below). */
function portInUse(candidate) {
  return new Promise((resolve, reject) => {
    const probe = createNetServer()
    probe.once('error', (error) => (error.code === 'EADDRINUSE' ? resolve(true) : reject(error)))
    probe.listen({ port: candidate, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(false)))
  })
}

if (port !== 0 && (await portInUse(port).catch((error) => fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`)))) {
  fail(`port ${port} is already in use (another demo?): stop it, or start this one elsewhere with PORT=${port === 65535 ? 8080 : port + 1} npm run demo`)
}

/** src/ files whose build output is missing or older than they are; empty when dist/ is up to date. */
function staleSources() {
  const stale = []
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.|\.d\.ts$/.test(entry.name)) {
        const built = join(root, 'dist', relative(join(root, 'src'), path)).replace(/\.tsx?$/, '.js')
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) stale.push(relative(root, path))
      }
    }
  }
  visit(join(root, 'src'))
  return stale
}

const stale = staleSources()
if (stale.length) {
  console.log(`Building dist/ (${stale.length === 1 ? stale[0] : `${stale.length} files in src/`} changed since the last build)…`)
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  for (const config of ['tsconfig.build.json', 'tsconfig.node.json']) {
    const result = spawnSync(process.execPath, [tsc, '-p', config], { cwd: root, stdio: 'inherit' })
    if (result.status !== 0) fail(`the build failed (tsc -p ${config}, above); fix it and start again.`)
  }
}

const { startSandbox, DEFAULT_CASHIER, DEFAULT_TRANSACTION_PIN, SandboxStartError } = await import('fincode-secure/sandbox')
const { createServer } = await import('vite')
const { createDemoBackend } = await import('./backend.mjs')

const sandbox = await startSandbox({ port: sandboxPort, dataDir }).catch((error) =>
  // A data directory another sandbox holds, or one other users can read: the message says what to do.
  fail(error instanceof SandboxStartError ? `${error.code}: ${error.message}` : `the sandbox did not start: ${error.message}`),
)
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
    // one that --host-resolver-rules maps other host names to in the insecure-origin test.
    host: '127.0.0.1',
    port,
    strictPort: port !== 0,
    // Pages for any host name, so that one opened as plain http on a name other
    // than localhost can say why it cannot encrypt. The demo's API (/demo-api/*)
    // checks the Host itself and answers loopback names only (DNS rebinding).
    allowedHosts: true,
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
await vite.listen().catch(async (error) => {
  await sandbox.close()
  fail(`the page's server did not start on 127.0.0.1:${port}: ${error.message}`)
})
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
