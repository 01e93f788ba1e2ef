// Starts the demo the way `npm run demo` does — the same script, demo/server.mjs,
// on the built dist/ — on a free port with a fresh sandbox data directory.
// (`npm run demo` is that script: it rebuilds dist/, in place, only when a file in
// src/ is newer than its build; the test suite has built already.)
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../runtimes/processes.js'

const root = new URL('../../', import.meta.url).pathname

export interface RunningDemo {
  /** http://localhost:PORT/ as the demo prints it. */
  url: string
  port: number
  /** The sandbox's API root, e.g. http://127.0.0.1:41234/api/v6. */
  sandboxApi: string
  dataDir: string
  /** Everything the demo printed, for failure messages. */
  output(): string
  stop(): Promise<void>
}

export async function startDemo({ timeoutMs = 60_000 } = {}): Promise<RunningDemo> {
  if (!existsSync(join(root, 'dist/sandbox/index.js')) || !existsSync(join(root, 'dist/react/index.js'))) {
    throw new Error('dist/ is not built: run `npm run build` (npm test does) before the demo tests.')
  }
  const port = await freePort()
  const scratch = mkdtempSync(join(tmpdir(), 'fincode-demo-'))
  const dataDir = join(scratch, 'sandbox')
  let log = ''
  // detached: the demo gets its own process group, so stop() ends it and any
  // helper it started (Vite's esbuild service) together.
  const child: ChildProcess = spawn(process.execPath, ['demo/server.mjs'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), FINCODE_SANDBOX_DIR: dataDir, FINCODE_DEMO_CACHE_DIR: join(scratch, 'vite-cache'), NO_COLOR: '1' },
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        // already gone
      }
      const killed = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          // already gone
        }
      }, 5_000)
      await exited
      clearTimeout(killed)
    }
    rmSync(scratch, { recursive: true, force: true })
  }

  try {
    const ready = await new Promise<{ url: string; port: number; sandbox: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo did not start within ${timeoutMs} ms`)), timeoutMs)
      const onData = (chunk: Buffer) => {
        log += chunk.toString()
        const line = /^DEMO_READY (.+)$/m.exec(log)
        if (line) {
          clearTimeout(timer)
          resolve(JSON.parse(line[1]!))
        }
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()))
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`the demo exited with code ${code} before it was ready`))
      })
    })
    return { url: ready.url, port: ready.port, sandboxApi: ready.sandbox, dataDir, output: () => log, stop }
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n--- demo output ---\n${log}`)
  }
}
