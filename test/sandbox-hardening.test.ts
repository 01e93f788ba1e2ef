// The sandbox under the conditions an independent review put it in (issue 13):
// changes racing each other, two processes on one directory, a key served
// before it is on disk, requests built to be expensive, password guessing,
// a directory others can read, month arithmetic, weak key sizes.
import { constants, createPublicKey, publicEncrypt, scryptSync } from 'node:crypto'
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SandboxStartError, startSandbox, type Sandbox } from '../src/sandbox/index.js'
import { CASHIER_REFUSAL_DELAY_MS } from '../src/sandbox/routes.js'
import { MAX_ENCRYPTED_FIELDS } from '../src/sandbox/decrypt-fields.js'
import { expiresAt } from '../src/sandbox/store.js'
import { call, startTestSandbox, tempDir, type TestSandbox } from './helpers/sandbox.js'
import { runCli } from './helpers/cli.js'

const encrypt = (text: string, publicKey: string) =>
  publicEncrypt({ key: createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(text)).toString('base64')

const services = (token: string) => ({ 'X-Auth-Token': token, platform: 'fincode', uuid: 'hardening' })

/** The transaction PIN stored on disk is `pin`: scrypt with the stored salt, as the sandbox checks it. */
function pinOnDisk(dataDir: string, pin: string): boolean {
  const { salt, scrypt } = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')).transactionPin
  return scryptSync(pin, Buffer.from(salt, 'base64'), 32).toString('base64') === scrypt
}

describe('every change runs alone, and is on disk before anyone hears of it', () => {
  let sandbox: TestSandbox
  let token: string
  beforeAll(async () => {
    sandbox = await startTestSandbox()
    token = (await sandbox.createToken('race', '1m')).token
  })
  afterAll(() => sandbox?.dispose())

  test('PIN changes racing key rotations: every acknowledged change is kept (at least 10 acknowledged)', async () => {
    const sandbox = await startTestSandbox()
    const token = (await sandbox.createToken('race', '1m')).token
    let pin = '0000'
    let acknowledged = 0
    let rotations = 0
    let attempts = 0
    while (acknowledged < 10) {
      expect(++attempts).toBeLessThan(200)
      const next = String(100_000 + attempts)
      const key = sandbox.currentKey().publicKey
      // The change and a rotation start together, so the rotation's write lands inside the change.
      const [change, rotation] = await Promise.all([
        call(sandbox, 'POST', '/services/change-pin', { userPin: encrypt(pin, key), transactionPin: encrypt(next, key), confirmation: { transactionPin: encrypt(next, key) } }, services(token)),
        call(sandbox, 'POST', '/encryption-keys/rotate', {}),
      ])
      expect(rotation.status).toBe(201)
      rotations++
      if (change.status === 409) {
        // Encrypted with the key the rotation just retired: refused before any change, try again.
        expect(change.body.error.code).toBe('KEY_ROTATED')
        continue
      }
      expect([change.status, change.body.error?.code]).toEqual([200, undefined])
      pin = next
      acknowledged++
      // Lost, the change would show here: the next change from this PIN would be PIN_INCORRECT.
      expect(pinOnDisk(sandbox.dataDir, pin)).toBe(true)
    }
    expect(rotations).toBeGreaterThanOrEqual(10)
    // And after a restart, the last acknowledged PIN is the PIN.
    await sandbox.close()
    const again = await startSandbox({ port: 0, dataDir: sandbox.dataDir })
    try {
      const key = again.currentKey().publicKey
      const same = await call(again, 'POST', '/services/change-pin', { userPin: encrypt(pin, key), transactionPin: encrypt(pin, key), confirmation: { transactionPin: encrypt(pin, key) } }, services(token))
      expect(same.body.error.code).toBe('PIN_UNCHANGED')
    } finally {
      await again.close()
      rmSync(sandbox.dataDir, { recursive: true, force: true })
    }
  }, 120_000)

  test('a rotated key is served only once it is on disk', async () => {
    const seen = new Set<string>()
    let polling = true
    const poll = (async () => {
      while (polling) {
        const { body } = await call(sandbox, 'GET', '/encryption-keys/current')
        if (seen.has(body.fingerprint)) continue
        seen.add(body.fingerprint)
        // The file, read the moment the key is first served, already holds it (as current, or
        // as retired if the next rotation landed in between).
        const onDisk = JSON.parse(readFileSync(join(sandbox.dataDir, 'state.json'), 'utf8'))
        expect([onDisk.currentKey, ...onDisk.retiredKeys].map((k: { fingerprint: string }) => k.fingerprint)).toContain(body.fingerprint)
      }
    })()
    for (let i = 0; i < 5; i++) await sandbox.rotateKey()
    polling = false
    await poll
    expect(seen.size).toBeGreaterThanOrEqual(5)
  }, 60_000)

  test('two creates racing for one label: one token, one LABEL_TAKEN', async () => {
    const key = sandbox.currentKey().publicKey
    const create = () => call(sandbox, 'POST', '/api-tokens', { label: 'one-per-service', expiresIn: '1m', email: 'cashier@example.com', currentPassword: encrypt('sandbox-password', key) })
    const answers = await Promise.all([create(), create(), create()])
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409])
    expect(sandbox.listTokens().filter((t) => t.label === 'one-per-service')).toHaveLength(1)
  })
})

describe('one process per data directory', () => {
  const CLI = join(process.cwd(), 'dist/cli/main.js')

  test('a second sandbox on the same directory is refused with the first one’s pid and URL', async () => {
    const dataDir = tempDir()
    const first = await startSandbox({ port: 0, dataDir })
    try {
      const lock = JSON.parse(readFileSync(join(dataDir, 'sandbox.lock'), 'utf8'))
      expect(lock).toMatchObject({ pid: process.pid, url: first.apiUrl })
      const refusal = await startSandbox({ port: 0, dataDir }).catch((error: unknown) => error)
      expect(refusal).toBeInstanceOf(SandboxStartError)
      expect((refusal as SandboxStartError).code).toBe('SANDBOX_DATA_DIR_IN_USE')
      expect((refusal as Error).message).toContain(`pid ${process.pid} at ${first.apiUrl}`)
      // The refused start changed nothing: the first one still owns the lock and its key.
      expect(JSON.parse(readFileSync(join(dataDir, 'sandbox.lock'), 'utf8')).url).toBe(first.apiUrl)
    } finally {
      await first.close()
    }
    // Closing releases the directory.
    expect(() => statSync(join(dataDir, 'sandbox.lock'))).toThrow()
    const again = await startSandbox({ port: 0, dataDir })
    await again.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('across processes: the CLI and the demo both refuse a directory a running sandbox holds', async () => {
    const dataDir = tempDir()
    const first = await startSandbox({ port: 0, dataDir })
    try {
      const cli = spawnSync(process.execPath, [CLI, 'sandbox', '--port', '0', '--data-dir', dataDir], { encoding: 'utf8', timeout: 30_000 })
      expect(cli.status).toBe(1)
      expect(cli.stderr).toMatch(/^fincode-secure: SANDBOX_DATA_DIR_IN_USE: The data directory .* is in use by another sandbox \(pid \d+ at http:\/\/127\.0\.0\.1:\d+\/api\/v6\)/)
      const demo = spawnSync(process.execPath, ['demo/server.mjs'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PORT: '0', FINCODE_SANDBOX_DIR: dataDir } })
      expect(demo.status).toBe(1)
      expect(demo.stderr).toContain(`SANDBOX_DATA_DIR_IN_USE: The data directory ${dataDir} is in use by another sandbox (pid ${process.pid} at ${first.apiUrl})`)
      expect(demo.stdout).not.toContain('DEMO_READY')
    } finally {
      await first.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)

  test('a lock left by a process that is gone (kill -9) is taken over', async () => {
    const dataDir = tempDir()
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000)
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('Ctrl+C')) resolve(clearTimeout(timer))
      })
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    expect(JSON.parse(readFileSync(join(dataDir, 'sandbox.lock'), 'utf8')).pid).toBe(child.pid)
    const next = await startSandbox({ port: 0, dataDir })
    try {
      expect(JSON.parse(readFileSync(join(dataDir, 'sandbox.lock'), 'utf8'))).toMatchObject({ pid: process.pid, url: next.apiUrl })
    } finally {
      await next.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('bounded work per request', () => {
  let sandbox: TestSandbox
  let token: string
  beforeAll(async () => {
    sandbox = await startTestSandbox()
    token = (await sandbox.createToken('bounded', '1m')).token
  })
  afterAll(() => sandbox?.dispose())

  test(`more than ${MAX_ENCRYPTED_FIELDS} sensitive fields: 413 TOO_MANY_ENCRYPTED_FIELDS, nothing decrypted`, async () => {
    const bogus = 'A'.repeat(342) + '=='
    const body = { items: Array.from({ length: 150 }, () => ({ transactionPin: bogus })) }
    const answer = await call(sandbox, 'POST', '/services/verify-fields', body, services(token))
    expect([answer.status, answer.body.error.code]).toEqual([413, 'TOO_MANY_ENCRYPTED_FIELDS'])
    expect(answer.body.error.message).toContain(`150 sensitive fields; at most ${MAX_ENCRYPTED_FIELDS}`)
    expect(answer.body.error.fields).toBeUndefined()
    // The limit itself still works.
    const key = sandbox.currentKey().publicKey
    const atLimit = { items: Array.from({ length: MAX_ENCRYPTED_FIELDS }, (_, i) => ({ transactionPin: encrypt(String(i), key) })) }
    expect((await call(sandbox, 'POST', '/services/verify-fields', atLimit, services(token))).status).toBe(200)
  })

  /** Sends `size` bytes of body with or without a Content-Length, and returns the status and whether the server closed the connection. */
  function sendLarge(size: number, chunked: boolean): Promise<{ status: number; connection: string | undefined }> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: sandbox.port, method: 'POST', path: '/api/v6/api-tokens', headers: { 'Content-Type': 'application/json', ...(chunked ? {} : { 'Content-Length': size }) } },
        (res) => {
          res.resume()
          resolve({ status: res.statusCode!, connection: res.headers.connection })
        },
      )
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)))
      const piece = Buffer.alloc(64 * 1024, 0x20)
      let sent = 0
      const pump = () => {
        while (sent < size) {
          const part = piece.subarray(0, Math.min(piece.length, size - sent))
          sent += part.length
          if (!req.write(part)) return void req.once('drain', pump)
        }
        req.end()
      }
      pump()
    })
  }

  test('a body over 64 KiB is refused with 413; one far over it is not read to the end', async () => {
    expect(await sendLarge(100 * 1024, false)).toEqual({ status: 413, connection: 'keep-alive' })
    expect(await sendLarge(8 * 1024 * 1024, false)).toEqual({ status: 413, connection: 'close' })
    expect(await sendLarge(8 * 1024 * 1024, true)).toEqual({ status: 413, connection: 'close' })
  })
})

test(`a wrong cashier password is answered after a fixed ${CASHIER_REFUSAL_DELAY_MS} ms`, async () => {
  const sandbox = await startTestSandbox()
  try {
    const key = sandbox.currentKey().publicKey
    const create = (password: string, label: string) => call(sandbox, 'POST', '/api-tokens', { label, expiresIn: '24h', email: 'cashier@example.com', currentPassword: encrypt(password, key) })
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      const answer = await create(`guess-${i}`, 'guessing')
      expect(answer.body.error.code).toBe('CASHIER_CREDENTIALS_INVALID')
      expect(performance.now() - started).toBeGreaterThanOrEqual(CASHIER_REFUSAL_DELAY_MS - 5)
    }
    expect((await create('sandbox-password', 'right')).status).toBe(201)
  } finally {
    await sandbox.dispose()
  }
})

describe('the data directory is private', () => {
  test.each([
    ['0755', 0o755],
    ['0777', 0o777],
  ])('an existing sandbox directory with mode %s is made 0700', async (_octal, mode) => {
    const dataDir = tempDir()
    const first = await startSandbox({ port: 0, dataDir })
    await first.close()
    chmodSync(dataDir, mode)
    const again = await startSandbox({ port: 0, dataDir })
    await again.close()
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('a readable directory holding other files is refused with its mode and the chmod to run', async () => {
    const dataDir = join(tempDir(), 'project')
    mkdirSync(dataDir)
    writeFileSync(join(dataDir, 'notes.txt'), 'not the sandbox’s')
    chmodSync(dataDir, 0o777)
    const refusal = (await startSandbox({ port: 0, dataDir }).catch((error: unknown) => error)) as SandboxStartError
    expect(refusal.code).toBe('SANDBOX_DATA_DIR_NOT_PRIVATE')
    expect(refusal.message).toContain(`${dataDir} has mode 0777`)
    expect(refusal.message).toContain(`Run \`chmod 700 ${dataDir}\``)
    // Left as it was: no state, no lock, same mode.
    expect(statSync(dataDir).mode & 0o777).toBe(0o777)
    expect(spawnSync('ls', ['-A', dataDir], { encoding: 'utf8' }).stdout.trim()).toBe('notes.txt')
    rmSync(join(dataDir, '..'), { recursive: true, force: true })
  })
})

describe('token expiry in calendar months', () => {
  const at = (iso: string, expiresIn: '1m' | '3m' | '6m' | '12m') => new Date(expiresAt(Date.parse(iso), expiresIn)).toISOString()

  test.each([
    ['2026-01-31T10:00:00.000Z', '1m', '2026-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', '1m', '2028-02-29T10:00:00.000Z'],
    ['2026-03-31T23:59:59.000Z', '1m', '2026-04-30T23:59:59.000Z'],
    ['2026-11-30T08:00:00.000Z', '3m', '2027-02-28T08:00:00.000Z'],
    ['2026-08-31T08:00:00.000Z', '6m', '2027-02-28T08:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', '12m', '2029-02-28T12:00:00.000Z'],
    ['2026-01-15T12:00:00.000Z', '1m', '2026-02-15T12:00:00.000Z'],
    ['2026-12-31T12:00:00.000Z', '1m', '2027-01-31T12:00:00.000Z'],
  ] as const)('created %s, %s: expires %s', (created, expiresIn, expected) => {
    expect(at(created, expiresIn)).toBe(expected)
  })

  test('a "1 month" token created on 31 January expires on the last day of February', async () => {
    const sandbox = await startTestSandbox({ now: () => Date.parse('2026-01-31T09:30:00.000Z') })
    try {
      expect((await sandbox.createToken('monthly', '1m')).expiresAt).toBe('2026-02-28T09:30:00.000Z')
    } finally {
      await sandbox.dispose()
    }
  })
})

test.each([1024, 1536, 8192, 2047])('keyBits %s is refused before anything is written', async (keyBits) => {
  const dataDir = join(tempDir(), 'never-created')
  await expect(startSandbox({ port: 0, dataDir, keyBits: keyBits as 2048 })).rejects.toThrow(`keyBits must be 2048, 3072 or 4096, got ${keyBits}.`)
  expect(() => statSync(dataDir)).toThrow()
})

describe('a sandbox in another process is changed through it, not behind its back', () => {
  const cli = (args: string[]) => runCli(args)

  test('`sandbox rotate` asks the running sandbox (found through its lock, or --url); with none running it edits the files under the lock', async () => {
    const dataDir = tempDir()
    let running: Sandbox | undefined = await startSandbox({ port: 0, dataDir })
    try {
      const before = running.currentKey().fingerprint
      const viaLock = await cli(['sandbox', 'rotate', '--data-dir', dataDir])
      expect([viaLock.status, viaLock.stderr]).toEqual([0, ''])
      expect(viaLock.stdout).toContain(`Key rotated on ${running.apiUrl}`)
      // The running process made the change: it serves the new key, and the old one is retired.
      const afterFirst = running.currentKey().fingerprint
      expect(afterFirst).not.toBe(before)
      expect(viaLock.stdout).toContain(`current  ${afterFirst}`)
      expect(viaLock.stdout).toContain(`retired  ${before}`)

      const viaUrl = await cli(['sandbox', 'rotate', '--url', running.url])
      expect(viaUrl.status).toBe(0)
      expect(viaUrl.stdout).toContain(`current  ${running.currentKey().fingerprint}`)
      expect(running.currentKey().fingerprint).not.toBe(afterFirst)

      const last = running.currentKey().fingerprint
      await running.close()
      running = undefined
      const offline = await cli(['sandbox', 'rotate', '--data-dir', dataDir])
      expect(offline.status).toBe(0)
      expect(offline.stdout).toContain('(no sandbox running)')
      expect(offline.stdout).toContain(`retired  ${last}`)
      expect(() => statSync(join(dataDir, 'sandbox.lock'))).toThrow()
      running = await startSandbox({ port: 0, dataDir })
      expect(running.currentKey().fingerprint).not.toBe(last)
      expect(offline.stdout).toContain(`current  ${running.currentKey().fingerprint}`)
    } finally {
      await running?.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)

  test('`sandbox rotate` on a directory without a sandbox, or with --port, is refused', async () => {
    const empty = tempDir()
    const none = await cli(['sandbox', 'rotate', '--data-dir', empty])
    expect([none.status, none.stderr]).toEqual([1, expect.stringMatching(/^fincode-secure: SANDBOX_STATE_MISSING: No sandbox state in /)])
    expect((await cli(['sandbox', 'rotate', '--port', '9'])).stderr).toMatch(/ERR_USAGE: sandbox rotate talks to a running sandbox/)
    expect((await cli(['sandbox', 'spin'])).stderr).toMatch(/ERR_USAGE: Unknown sandbox command/)
    rmSync(empty, { recursive: true, force: true })
  })
})
