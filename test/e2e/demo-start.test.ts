// How `npm run demo` starts, without a browser: a second start on a taken port
// stops at once with one line; dist/ is rebuilt only when src/ changed, in
// place, while another demo keeps running from it; and the demo's own API
// answers loopback host names only, while its pages are served for any name.
// The build tests run in a scratch copy of the repository, so this checkout's
// dist/ — which other test files are reading — is never touched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs'
import { request } from 'node:http'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startDemo, type RunningDemo } from '../helpers/demo-server.js'
import { freePort } from '../runtimes/processes.js'

const root = new URL('../../', import.meta.url).pathname

/** A copy of what the demo needs, with the same timestamps, and this checkout's node_modules. */
function scratchRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), 'fincode-demo-start-'))
  for (const path of ['package.json', 'tsconfig.build.json', 'tsconfig.node.json', 'vite.config.ts', 'src', 'dist', 'demo', 'scripts', 'test/helpers']) {
    cpSync(join(root, path), join(copy, path), { recursive: true, preserveTimestamps: true })
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir')
  return copy
}

interface Started {
  child: ChildProcess
  output(): string
  ready: Promise<void>
  exited: Promise<number | null>
  stop(): Promise<void>
}

/** `node demo/server.mjs` in `cwd`, as `npm run demo` runs it. */
function startIn(cwd: string, port: number, scratch: string): Started {
  let log = ''
  const child = spawn(process.execPath, ['demo/server.mjs'], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), FINCODE_SANDBOX_DIR: join(scratch, `sandbox-${port}`), FINCODE_DEMO_CACHE_DIR: join(scratch, `vite-${port}`), NO_COLOR: '1' },
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no DEMO_READY within 90 s:\n${log}`)), 90_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString()
      if (log.includes('DEMO_READY')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()))
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`the demo exited with ${code} before it was ready:\n${log}`))
    })
  })
  ready.catch(() => {})
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      // already gone
    }
    const killed = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5_000)
    await exited
    clearTimeout(killed)
  }
  return { child, output: () => log, ready, exited, stop }
}

test('`npm run demo` is the demo script itself: nothing builds before it checks the port', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  expect(manifest.scripts.demo).toBe('node demo/server.mjs')
})

describe('starting the demo in a scratch copy of the repository', { timeout: 240_000 }, () => {
  let copy: string
  let scratch: string
  const running: Started[] = []

  beforeAll(() => {
    copy = scratchRepository()
    scratch = mkdtempSync(join(tmpdir(), 'fincode-demo-start-data-'))
  })

  afterAll(async () => {
    await Promise.all(running.map((demo) => demo.stop()))
    rmSync(copy, { recursive: true, force: true })
    rmSync(scratch, { recursive: true, force: true })
  })

  test('on a taken port it prints one line of its own and exits 1, before building anything', async () => {
    // dist/ made to look out of date: a start that got past the port check would rebuild it.
    const built = join(copy, 'dist/java-default.js')
    const before = statSync(built)
    utimesSync(built, new Date('2000-01-01'), new Date('2000-01-01'))
    const port = await freePort()
    const holder: Server = createServer()
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve))
    try {
      const result = spawnSync(process.execPath, ['demo/server.mjs'], {
        cwd: copy,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, PORT: String(port), FINCODE_SANDBOX_DIR: join(scratch, 'unused'), NO_COLOR: '1' },
      })
      expect(result.status).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        `fincode-secure demo: port ${port} is already in use (another demo?): stop it, or start this one elsewhere with PORT=${port + 1} npm run demo`,
      ])
      expect(statSync(built).mtime.getFullYear()).toBe(2000)
      expect(existsSync(join(scratch, 'unused'))).toBe(false) // no sandbox started either
    } finally {
      holder.close()
      utimesSync(built, before.atime, before.mtime)
    }
  })

  test('no rebuild while dist/ is newer than every file in src/; after a change, one in place while another demo runs', async () => {
    const first = startIn(copy, await freePort(), scratch)
    running.push(first)
    await first.ready
    expect(first.output()).not.toContain('Building dist/')

    // A source file changes while the first demo runs: the second start rebuilds dist/ in place.
    const changed = join(copy, 'src/java-default.ts')
    const later = new Date(Date.now() + 2_000)
    utimesSync(changed, later, later)
    const distDir = statSync(join(copy, 'dist')).ino
    const entry = statSync(join(copy, 'dist/index.js')).ino
    const missing: string[] = []
    const watcher = setInterval(() => {
      for (const file of ['dist/index.js', 'dist/react/index.js', 'dist/sandbox/index.js']) if (!existsSync(join(copy, file))) missing.push(file)
    }, 10)
    const second = startIn(copy, await freePort(), scratch)
    running.push(second)
    try {
      await second.ready
    } finally {
      clearInterval(watcher)
    }
    expect(second.output()).toContain('Building dist/ (src/java-default.ts changed since the last build)')
    expect(missing).toEqual([])
    expect(statSync(join(copy, 'dist')).ino).toBe(distDir)
    expect(statSync(join(copy, 'dist/index.js')).ino).toBe(entry)
    expect(statSync(join(copy, 'dist/java-default.js')).mtimeMs).toBeGreaterThanOrEqual(later.getTime())
    expect(first.child.exitCode).toBeNull() // the first demo is still up

    // And now dist/ is newer than src/ again: a third start builds nothing.
    await second.stop()
    const third = startIn(copy, await freePort(), scratch)
    running.push(third)
    await third.ready
    expect(third.output()).not.toContain('Building dist/')
  })
})

describe('host names', { timeout: 120_000 }, () => {
  let demo: RunningDemo
  beforeAll(async () => {
    demo = await startDemo()
  })
  afterAll(async () => {
    await demo?.stop()
  })

  /** A GET with the Host header a browser would send for that name. */
  const get = (path: string, host: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: demo.port, path, headers: { host } }, (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode!, body }))
      })
      req.on('error', reject)
      req.end()
    })

  test.each(['shop.example', 'intranet-box', 'evil.test'])('the page is served for %s (it explains that it cannot encrypt there)', async (name) => {
    const page = await get('/', `${name}:${demo.port}`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<div id="root">')
  })

  test.each(['shop.example', 'intranet-box', 'evil.test', 'localhost.evil.test', '127.0.0.1.nip.io'])(
    "the demo's API refuses the host name %s (DNS rebinding)",
    async (name) => {
      const answer = await get('/demo-api/key', `${name}:${demo.port}`)
      expect(answer.status).toBe(403)
      expect(JSON.parse(answer.body).error.code).toBe('ERR_DEMO_HOST')
    },
  )

  test.each(['localhost', '127.0.0.1', '[::1]', 'demo.localhost'])("the demo's API answers the loopback name %s", async (name) => {
    const answer = await get('/demo-api/key', `${name}:${demo.port}`)
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body).publicKey).toMatch(/^MII/)
  })
})
