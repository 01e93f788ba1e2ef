// --key-file reads only what can be a key: a regular file of at most 16 KiB.
// A FIFO used to hang the command (it waited for a writer that never came) and
// a huge file cost seconds to refuse; both are now refused before any read.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureBuilt } from './helpers/build.js'
import { testKeyPair } from './helpers/keys.js'

const CLI = join(process.cwd(), 'dist/cli/main.js')
const dir = mkdtempSync(join(tmpdir(), 'fincode-key-file-'))
const { publicKey, publicPem } = testKeyPair(2048)
const fingerprint = createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex')

function fingerprintOf(keyFile: string | undefined, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const args = keyFile === undefined ? ['fingerprint'] : ['fingerprint', '--key-file', keyFile]
  // The timeout is the test for the FIFO: before the fix the command never returned.
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, FINCODE_PUBLIC_KEY: undefined, ...env } })
}

function expectRefusal(run: SpawnSyncReturns<string>, message: RegExp): void {
  expect(run.error, 'the command did not finish in 10 s').toBeUndefined()
  expect(run.status).toBe(1)
  expect(run.stderr).toMatch(/^fincode-secure: ERR_KEY_INVALID: /)
  expect(run.stderr).toMatch(message)
  expect(run.stdout).toBe('')
}

beforeAll(() => ensureBuilt(), 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('--key-file refuses what cannot be a key file', () => {
  test('a FIFO (nothing will ever write to it) is refused at once, not waited on', () => {
    const fifo = join(dir, 'key.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    expectRefusal(fingerprintOf(fifo), /key\.fifo is not a regular file \(a directory, a FIFO or a device\)/)
  })

  test('a device that never ends (/dev/zero) and a directory are refused', () => {
    expectRefusal(fingerprintOf('/dev/zero'), /\/dev\/zero is not a regular file/)
    expectRefusal(fingerprintOf(dir), /is not a regular file/)
  })

  test('a file over 16 KiB is refused by its size, before it is read', () => {
    const big = join(dir, 'big.pem')
    writeFileSync(big, `${publicPem}${'#'.repeat(16 * 1024)}`)
    expectRefusal(fingerprintOf(big), /big\.pem is \d+ bytes, over the 16384 a key file may have/)
  })

  test('a key file of exactly 16 KiB (the key, then blank lines) is still read', () => {
    const padded = join(dir, 'padded.txt')
    writeFileSync(padded, publicKey.padEnd(16 * 1024, '\n'))
    const run = fingerprintOf(padded)
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe(`${fingerprint}\n`)
  })
})

describe('key text as configuration files hold it', () => {
  test('a quoted key and a PEM with literal \\n escapes (a .env line) give the same key', () => {
    const envLine = join(dir, 'env-style.txt')
    writeFileSync(envLine, `"${publicPem.trim().replace(/\n/g, '\\n')}"\n`)
    expect(fingerprintOf(envLine).stdout).toBe(`${fingerprint}\n`)
    expect(fingerprintOf(undefined, { FINCODE_PUBLIC_KEY: `'${publicKey}'` }).stdout).toBe(`${fingerprint}\n`)
  })

  test('a trailing comment is named, not called "cut short"', () => {
    const run = fingerprintOf(undefined, { FINCODE_PUBLIC_KEY: `${publicKey} # production key` })
    expectRefusal(run, /publicKey has "#", not standard Base64 \(URL-safe Base64, or text around the key\?\)/)
  })
})
