// Sets up the local sandbox for `next dev` / `next start`: creates its data
// directory (the organisation's key pair) and an API token, and writes what the
// app reads to .env.local (mode 0600; Next.js loads it, git ignores it):
//
//   node scripts/sandbox-env.mjs          # then: next dev
//
// instrumentation.ts starts the sandbox on FINCODE_SANDBOX_PORT when the app starts.
import { readFileSync, writeFileSync } from 'node:fs'
import { startSandbox } from 'fincode-secure/sandbox'

const port = Number(process.env.FINCODE_SANDBOX_PORT ?? 8787)
const dataDir = process.env.FINCODE_SANDBOX_DIR ?? '.fincode-sandbox'

// Started on a free port only to create the token: the app starts its own.
const sandbox = await startSandbox({ port: 0, dataDir })
try {
  const { token } = await sandbox.createToken(`next-app ${new Date().toISOString()}`)
  const env = {
    FINCODE_SANDBOX_PORT: String(port),
    FINCODE_SANDBOX_DIR: dataDir,
    FINCODE_BASE_URL: `http://127.0.0.1:${port}/api/v6`,
    FINCODE_API_TOKEN: token,
    FINCODE_PUBLIC_KEY: sandbox.currentKey().publicKey,
    FINCODE_UUID: 'next-app',
  }
  let kept = ''
  try {
    kept = readFileSync('.env.local', 'utf8').split('\n').filter((line) => line && !line.startsWith('FINCODE_')).map((line) => `${line}\n`).join('')
  } catch {
    // no .env.local yet
  }
  writeFileSync('.env.local', kept + Object.entries(env).map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 })
  console.log(`Wrote .env.local: sandbox on port ${port}, key ${sandbox.currentKey().fingerprint.slice(0, 16)}…, a new API token (not shown).`)
} finally {
  await sandbox.close()
}
