// The sandbox's state on disk: the key survives restarts, writes are atomic
// even when the process is killed mid-write, and a damaged file is never
// silently replaced (it holds the organisation's private key).
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSandbox } from '../src/sandbox/index.js'
import { prepareDirectory, readState, stateProblem } from '../src/sandbox/state-file.js'
import { call, startTestSandbox, tempDir, type TestSandbox } from './helpers/sandbox.js'

describe('persistence', () => {
  test('the first start creates an RSA-2048 key pair; a restart serves the same key and honours the same tokens', async () => {
    const dataDir = tempDir()
    try {
      const first = await startSandbox({ port: 0, dataDir })
      const key = first.currentKey()
      expect(key.modulusLength).toBe(2048)
      expect(key.publicKey).toMatch(/^MII[A-Za-z0-9+/]+=*$/)
      const { token } = await first.createToken('survives-restarts')
      await first.close()

      const second = await startSandbox({ port: 0, dataDir })
      try {
        expect(second.currentKey()).toEqual(key)
        const answer = await call(second, 'POST', '/services/verify-fields', {}, { 'X-Auth-Token': token, platform: 'fincode', uuid: 'u' })
        expect(answer.status).toBe(200)
      } finally {
        await second.close()
      }
      // The state is private: the file is 0600 in a 0700 directory.
      const { statSync } = await import('node:fs')
      expect(statSync(join(dataDir, 'state.json')).mode & 0o777).toBe(0o600)
      expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('a state file that is not JSON stops the start and is left untouched', async () => {
    const dataDir = tempDir()
    try {
      writeFileSync(join(dataDir, 'state.json'), '{"format": "fincode-sandbox-state", "vers')
      await expect(startSandbox({ port: 0, dataDir })).rejects.toThrow(/not valid JSON; the sandbox will not overwrite it/)
      expect(readFileSync(join(dataDir, 'state.json'), 'utf8')).toBe('{"format": "fincode-sandbox-state", "vers')
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('only loopback hosts are accepted', async () => {
    // The host is checked before anything touches the data directory.
    await expect(startSandbox({ port: 0, host: '0.0.0.0' as '127.0.0.1', dataDir: join(tmpdir(), 'never-created') })).rejects.toThrow(/must not be reachable from the network/)
  })
})

describe('a process killed in the middle of a write', () => {
  let script: string
  const dataDir = tempDir()
  beforeAll(async () => {
    script = join(dataDir, '..', `state-writer-${process.pid}.mjs`)
    await build({ entryPoints: ['test/helpers/state-writer.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: script, logLevel: 'error' })
  })
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(script, { force: true })
  })

  /** Starts the writer, lets it complete `writes` writes, kills it with SIGKILL at a random moment; returns the last generation it reported. */
  function writeThenKill(writes: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
      let last = 0
      const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error('writer made no progress in 60 s'))), 60_000) // fsyncs crawl on a loaded shared disk
      child.stdout.on('data', (chunk: Buffer) => {
        last = Number(chunk.toString().trim().split('\n').pop())
        if (last === writes) setTimeout(() => child.kill('SIGKILL'), Math.random() * 25)
      })
      child.on('exit', (_code, signal) => {
        clearTimeout(timer)
        if (signal === 'SIGKILL') resolve(last)
        else reject(new Error(`writer exited on its own (${signal})`))
      })
    })
  }

  test('always leaves a complete state file: the old one or the new one, never a mix', async () => {
    let killedMidWrite = 0
    for (let round = 0; round < 6; round++) {
      const reported = await writeThenKill(3)
      const leftovers = readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))
      if (leftovers.length > 0) killedMidWrite++
      const state = await readState(dataDir)
      expect(stateProblem(state)).toBeUndefined()
      const generation = Number(state!.currentKey.id.slice(4))
      // Every token belongs to the same generation as the key: one write, whole.
      expect(new Set(state!.tokens.map((t) => t.id.split('_')[1]))).toEqual(new Set([String(generation)]))
      expect(state!.tokens).toHaveLength(4000)
      expect(generation === reported || generation === reported + 1).toBe(true)
      // The next start sweeps the abandoned temp files away.
      await prepareDirectory(dataDir)
      expect(readdirSync(dataDir)).toEqual(['state.json'])
    }
    // Proof that the kills did land inside writes (a temp file was in flight).
    expect(killedMidWrite).toBeGreaterThan(0)
  }, 300_000)
})

describe('HTTP ground rules', () => {
  let sandbox: TestSandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox({ allowedOrigins: ['http://localhost:5173'] })
  })
  afterAll(() => sandbox?.dispose())

  const raw = (path: string, init: RequestInit = {}) => fetch(sandbox.url + path, init).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json().catch(() => undefined) }))

  test('the key endpoints show the key as the dashboard does; a rotation retires the old key at once', async () => {
    const before = (await call(sandbox, 'GET', '/encryption-keys/current')).body
    expect(Object.keys(before).sort()).toEqual(['algorithm', 'createdAt', 'fingerprint', 'id', 'modulusLength', 'publicKey'])
    const { createHash } = await import('node:crypto')
    expect(before.fingerprint).toBe(createHash('sha256').update(Buffer.from(before.publicKey, 'base64')).digest('hex'))
    const rotated = await call(sandbox, 'POST', '/encryption-keys/rotate')
    expect(rotated.status).toBe(201)
    expect(rotated.body.retired).toMatchObject({ id: before.id, fingerprint: before.fingerprint })
    expect(rotated.body.retired.publicKey).toBeUndefined()
    const all = (await call(sandbox, 'GET', '/encryption-keys')).body
    expect(all.current.id).toBe(rotated.body.current.id)
    expect(all.retired.map((k: { id: string }) => k.id)).toEqual([before.id])
  })

  test.each([
    ['an unknown path', '/api/v6/nothing', {}, 404, 'NOT_FOUND'],
    ['a path outside the API', '/', {}, 404, 'NOT_FOUND'],
    ['a wrong method', '/api/v6/encryption-keys/current', { method: 'DELETE', headers: { 'Content-Type': 'application/json' } }, 405, 'METHOD_NOT_ALLOWED'],
    ['a write without a JSON content type', '/api/v6/encryption-keys/rotate', { method: 'POST' }, 415, 'CONTENT_TYPE_INVALID'],
    ['a body that is not JSON', '/api/v6/api-tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' }, 400, 'BODY_INVALID'],
    ['a body over 64 KiB', '/api/v6/api-tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ label: 'x'.repeat(70_000) }) }, 413, 'BODY_TOO_LARGE'],
    ['a foreign Origin (CSRF)', '/api/v6/encryption-keys/rotate', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' } }, 403, 'ORIGIN_FORBIDDEN'],
    ['an unknown services path without a token', '/api/v6/services/whatever', { method: 'POST', headers: { 'Content-Type': 'application/json' } }, 401, 'TOKEN_MISSING'],
  ])('%s is refused with a JSON error code', async (_what, path, init, status, code) => {
    const answer = await raw(path, init as RequestInit)
    expect([answer.status, answer.body?.error?.code]).toEqual([status, code])
    expect(typeof answer.body.error.message).toBe('string')
  })

  test('a foreign Host header (DNS rebinding) is refused', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: sandbox.port, path: '/api/v6/encryption-keys/current', headers: { Host: 'attacker.example:8787' } }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })

  test('an allowed origin gets CORS headers and a preflight answer', async () => {
    const preflight = await fetch(sandbox.apiUrl + '/services/change-pin', { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Auth-Token/)
    const answer = await raw('/api/v6/encryption-keys/current', { headers: { Origin: 'http://localhost:5173' } })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
  })
})
