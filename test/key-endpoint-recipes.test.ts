// The key endpoint recipes of docs/key-rotation.md, each file under
// test/examples/key-endpoint/ run where it is meant to run: Node's http and
// Express listening on 127.0.0.1, Hono, a Next.js route module and a Worker
// called with fetch Requests, and Deno.serve and Bun.serve started in Deno and
// Bun on the library as npm packs it. Each must serve the key, 304, HEAD and 405.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { app as expressApp } from './examples/key-endpoint/express.js'
import { app as honoApp } from './examples/key-endpoint/hono.js'
import { GET, HEAD } from './examples/key-endpoint/next-route.js'
import { server as nodeServer } from './examples/key-endpoint/node-http.js'
import worker from './examples/key-endpoint/worker.js'
import { testKeyPair } from './helpers/keys.js'
import { binaries, ensureRuntimesInstalled } from './runtimes/install.js'
import { packLibrary, type PackedLibrary } from './runtimes/package.js'
import { freePort, sleep, startProcess, type Proc } from './runtimes/processes.js'

const key = testKeyPair(2048)
const fingerprint = createHash('sha256').update(Buffer.from(key.publicKey, 'base64')).digest('hex')
const KEY_PATH = '/api/fincode-key'

type Send = (init?: RequestInit) => Promise<Response>

/** What every recipe must do: the key with its ETag, 304 while it is unchanged, HEAD, and (where the recipe owns it) 405. */
async function expectKeyEndpoint(send: Send, { owns405 = true } = {}): Promise<void> {
  const got = await send()
  expect(got.status).toBe(200)
  expect(got.headers.get('etag')).toBe(`"${fingerprint}"`)
  expect(got.headers.get('cache-control')).toBe('no-cache')
  expect(await got.json()).toStrictEqual({ publicKey: key.publicKey, fingerprint, modulusLength: 2048 })

  const unchanged = await send({ headers: { 'If-None-Match': `"${fingerprint}"` } })
  expect(unchanged.status).toBe(304)
  expect(await unchanged.text()).toBe('')

  const head = await send({ method: 'HEAD' })
  expect(head.status).toBe(200)
  expect(head.headers.get('etag')).toBe(`"${fingerprint}"`)
  expect(await head.text()).toBe('')

  if (owns405) {
    const post = await send({ method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)))
}

/** A request fetch cannot make: TRACE, through Node's own client. */
function trace(origin: string): Promise<{ status: number; allow: string | undefined }> {
  return new Promise((resolve, reject) => {
    httpRequest(`${origin}${KEY_PATH}`, { method: 'TRACE' }, (res) => {
      res.resume()
      resolve({ status: res.statusCode!, allow: res.headers.allow })
    })
      .on('error', reject)
      .end()
  })
}

beforeAll(() => {
  process.env.FINCODE_PUBLIC_KEY = key.publicPem
})
afterEach(() => {
  process.env.FINCODE_PUBLIC_KEY = key.publicPem
  vi.restoreAllMocks()
})

describe('Node http', () => {
  let origin: string
  beforeAll(async () => (origin = await listen(nodeServer)))
  afterAll(() => new Promise<void>((done) => nodeServer.close(() => done())))

  test('serves the key, 304, HEAD and 405 (TRACE included)', async () => {
    await expectKeyEndpoint((init) => fetch(origin + KEY_PATH, init))
    expect(await trace(origin)).toEqual({ status: 405, allow: 'GET, HEAD' })
  })

  test('no key configured: a 500 and the ERR_KEY_INVALID in the log, nothing else', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    delete process.env.FINCODE_PUBLIC_KEY
    const response = await fetch(origin + KEY_PATH)
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('')
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_KEY_INVALID' }))
  })
})

describe('Express', () => {
  let server: Server
  let origin: string
  beforeAll(async () => {
    server = expressApp.listen(0, '127.0.0.1')
    await new Promise((done) => server.once('listening', done))
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(() => new Promise<void>((done) => server.close(() => done())))

  test('serves the key, 304, HEAD and 405 (TRACE included)', async () => {
    await expectKeyEndpoint((init) => fetch(origin + KEY_PATH, init))
    expect(await trace(origin)).toEqual({ status: 405, allow: 'GET, HEAD' })
  })

  test('a private key configured: a 500, the key not served', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    process.env.FINCODE_PUBLIC_KEY = key.privatePem
    const response = await fetch(origin + KEY_PATH)
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain(key.privatePem.split('\n')[2])
  })
})

test('Hono: serves the key, 304, HEAD and 405', async () => {
  await expectKeyEndpoint(async (init) => honoApp.request(KEY_PATH, init))
})

test('Next.js route handler (GET, HEAD): serves the key, 304 and HEAD', async () => {
  await expectKeyEndpoint((init) => (init?.method === 'HEAD' ? HEAD : GET)(new Request(`http://shop.test${KEY_PATH}`, init)), { owns405: false })
})

test('Cloudflare Worker: serves the key from env, 304, HEAD and 405', async () => {
  const env = { FINCODE_PUBLIC_KEY: key.publicKey }
  await expectKeyEndpoint((init) => worker.fetch(new Request(`https://shop.example${KEY_PATH}`, init), env))
  expect((await worker.fetch(new Request('https://shop.example/other'), env)).status).toBe(404)
})

describe('Deno.serve and Bun.serve, on the packed library', () => {
  let workDir: string
  let lib: PackedLibrary

  beforeAll(async () => {
    await ensureRuntimesInstalled()
    workDir = mkdtempSync(join(tmpdir(), 'fincode-key-recipes-'))
    lib = await packLibrary(workDir)
    for (const file of ['deno-serve.ts', 'bun-serve.ts']) copyFileSync(join(import.meta.dirname, 'examples', 'key-endpoint', file), join(lib.projectDir, file))
  }, 12 * 60_000)
  afterAll(() => rmSync(workDir, { recursive: true, force: true }))

  /** Starts a recipe, waits until it answers, runs the checks, and kills it whatever happens. */
  async function run(start: (port: number) => Proc): Promise<void> {
    const port = await freePort()
    const proc = start(port)
    const origin = `http://127.0.0.1:${port}`
    try {
      const deadline = Date.now() + 30_000
      for (;;) {
        const code = await Promise.race([proc.exited, sleep(200).then(() => 'running' as const)])
        if (code !== 'running') throw new Error(`the recipe exited with ${code}:\n${proc.output()}`)
        if (await fetch(origin + KEY_PATH, { method: 'HEAD' }).then(() => true, () => false)) break
        if (Date.now() > deadline) throw new Error(`the recipe did not answer within 30 s:\n${proc.output()}`)
      }
      await expectKeyEndpoint((init) => fetch(origin + KEY_PATH, init))
    } finally {
      await proc.kill()
    }
  }

  const env = (port: number, extra: NodeJS.ProcessEnv = {}) => ({ PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', PORT: String(port), FINCODE_PUBLIC_KEY: key.publicKey, ...extra })

  test('Deno.serve: serves the key, 304, HEAD and 405', async () => {
    const denoDir = join(workDir, 'deno-dir')
    await run((port) =>
      startProcess(binaries.deno(), ['run', '--no-prompt', '--no-lock', `--allow-net=0.0.0.0:${port}`, '--allow-env=FINCODE_PUBLIC_KEY,PORT', 'deno-serve.ts'], {
        cwd: lib.projectDir,
        env: env(port, { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' }),
      }),
    )
  }, 60_000)

  test('Bun.serve: serves the key, 304, HEAD and 405', async () => {
    await run((port) => startProcess(binaries.bun(), ['--no-install', 'bun-serve.ts'], { cwd: lib.projectDir, env: env(port, { BUN_INSTALL_CACHE_DIR: join(workDir, 'bun-cache'), DO_NOT_TRACK: '1' }) }))
  }, 60_000)
})
