// The fincode-secure command line, run as a user runs it (node dist/cli/main.js),
// with its ciphertext decrypted by OpenSSL.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testKeyPair } from './helpers/keys.js'

const CLI = join(process.cwd(), 'dist/cli/main.js')
const dir = mkdtempSync(join(tmpdir(), 'fincode-cli-'))
const { publicKey, publicPem, privatePem } = testKeyPair(2048)
const keyFile = join(dir, 'key.txt')
const pemFile = join(dir, 'key.pem')
const privateFile = join(dir, 'private.pem')

/** Rebuilds dist when it is missing or older than the sources (npm test builds first, so this is for single runs). */
function ensureBuilt(): void {
  const newest = (d: string): number => Math.max(...readdirSync(d, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs)))
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest('src')) return
  for (const project of ['tsconfig.build.json', 'tsconfig.node.json']) {
    const built = spawnSync('npx', ['tsc', '-p', project], { encoding: 'utf8' })
    if (built.status !== 0) throw new Error(`build failed: ${built.stdout}${built.stderr}`)
  }
}

function cli(args: string[], input = '', env: Record<string, string | undefined> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 30_000, env: { ...process.env, FINCODE_PUBLIC_KEY: undefined, ...env } })
}

/**
 * Runs `encrypt --key-file` in a real pseudo-terminal (Python's pty module: stdin.isTTY is true for the CLI),
 * waits for its prompt, then writes each of `writes` (Python bytes literals) 0.2 s apart; returns all it printed.
 */
function typeAtTerminal(writes: string[]): SpawnSyncReturns<string> {
  const script = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], sys.argv[2], 'encrypt', '--key-file', sys.argv[3]])
out = b''
def read(until, limit=20):
    global out
    end = time.time() + limit
    while until not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
read(b'Secret')
${writes.map((bytes) => `os.write(fd, ${bytes})\ntime.sleep(0.2)`).join('\n')}
read(b'==')
os.waitpid(pid, 0)
sys.stdout.write(out.decode())
`
  return spawnSync('python3', ['-c', script, process.execPath, CLI, keyFile], { encoding: 'utf8', timeout: 30_000 })
}

/** The Base64 ciphertext in what the CLI printed. */
const ciphertextIn = (output: string) => output.match(/[A-Za-z0-9+/]{300,}={0,2}/)![0]

function opensslDecrypt(ciphertextBase64: string): Buffer {
  const ct = join(dir, `ct-${Math.random()}.bin`)
  writeFileSync(ct, Buffer.from(ciphertextBase64, 'base64'))
  const out = spawnSync('openssl', ['pkeyutl', '-decrypt', '-inkey', privateFile, '-in', ct, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256'])
  expect(out.stderr.toString()).toBe('')
  expect(out.status).toBe(0)
  return out.stdout
}

beforeAll(() => {
  ensureBuilt()
  writeFileSync(keyFile, publicKey + '\n')
  writeFileSync(pemFile, publicPem)
  writeFileSync(privateFile, privatePem)
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('encrypt', () => {
  test('a PIN piped in with --key-file comes out as Base64 that openssl pkeyutl decrypts (OAEP, SHA-256, MGF1-SHA-256)', () => {
    const run = cli(['encrypt', '--key-file', keyFile], '0042\n')
    expect([run.status, run.stderr]).toEqual([0, ''])
    expect(run.stdout).toMatch(/^[A-Za-z0-9+/]{342}==\n$/)
    // One trailing newline (echo's) is not part of the secret.
    expect(opensslDecrypt(run.stdout.trim()).toString('utf8')).toBe('0042')
  })

  test('the key can come from FINCODE_PUBLIC_KEY (PEM too); UTF-8 survives byte for byte', () => {
    const run = cli(['encrypt'], 'pïn é🔒', { FINCODE_PUBLIC_KEY: publicPem })
    expect(run.status).toBe(0)
    expect(opensslDecrypt(run.stdout.trim())).toEqual(Buffer.from('pïn é🔒', 'utf8'))
  })

  test('typed at a terminal, the secret is not echoed and the ciphertext decrypts', () => {
    // Backspace (\x7f) removes the x.
    const run = typeAtTerminal(["b'#98-x'", "b'\\x7f6\\r'"])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Secret (input hidden): ')
    // # and - are outside the Base64 alphabet: if they are in the output, the terminal echoed them.
    expect(run.stdout).not.toMatch(/[#-]/)
    expect(opensslDecrypt(ciphertextIn(run.stdout)).toString('utf8')).toBe('#98-6')
  })

  test('arrow keys and other escape sequences at the hidden prompt are dropped, never encrypted', () => {
    // ← (CSI D), → (CSI C), ← in application mode (SS3 D), Delete (CSI 3 ~), F5 (CSI 15 ~), a bare Tab, and
    // a sequence split across two writes: the terminal sends them as control characters.
    const run = typeAtTerminal(["b'48\\x1b[D29\\x1b[C1\\x1bOD\\x1b[3~\\x1b[15~\\t'", "b'\\x1b['", "b'A3\\r'"])
    expect(run.status).toBe(0)
    expect(opensslDecrypt(ciphertextIn(run.stdout)).toString('utf8')).toBe('482913')
  })

  test('a piped secret holding a control character is refused: it would be encrypted into the secret', () => {
    for (const input of ['48\u001b[D2913', '48\t2913', '48\r\n2913']) {
      const run = cli(['encrypt', '--key-file', keyFile], input)
      expect(run.status).toBe(1)
      expect(run.stderr).toMatch(/^fincode-secure: ERR_PAYLOAD_INVALID: Standard input holds a control character at position 3/)
      expect(run.stdout).toBe('')
    }
  })

  test.each([
    [['encrypt', '0042'], /never from the command line/],
    [['encrypt', '--key-file', 'key.txt', '0042'], /never from the command line/],
    [['encrypt', '--pin=0042'], /unknown or incomplete option/],
    [['encrypt', '--key-file'], /unknown or incomplete option/],
  ])('%j is refused with ERR_USAGE (exit 2) and the argument is never echoed', (args, message) => {
    const run = cli(args, '')
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/^fincode-secure: ERR_USAGE: /)
    expect(run.stderr).toMatch(message)
    expect(run.stderr + run.stdout).not.toContain('0042')
  })

  test.each([
    ['no key at all', ['encrypt'], 'pin', {}, 'ERR_KEY_INVALID', /--key-file FILE or set FINCODE_PUBLIC_KEY/],
    ['a key file that is missing', ['encrypt', '--key-file', '/nonexistent/key.txt'], 'pin', {}, 'ERR_KEY_INVALID', /cannot be read \(ENOENT\)/],
    ['a private key', ['encrypt', '--key-file', 'PRIVATE'], 'pin', {}, 'ERR_KEY_PRIVATE', /must never reach a client/],
    ['a key that is not Base64', ['encrypt'], 'pin', { FINCODE_PUBLIC_KEY: 'not a key!' }, 'ERR_KEY_INVALID', /has "!", not standard Base64/],
    ['an empty secret', ['encrypt', '--key-file', 'KEY'], '\n', {}, 'ERR_PAYLOAD_INVALID', /secret is empty/],
    ['191 bytes for a 2048-bit key', ['encrypt', '--key-file', 'KEY'], 'x'.repeat(191), {}, 'ERR_PAYLOAD_TOO_LARGE', /191 bytes.*at most 190/],
    ['input that is not UTF-8', ['encrypt', '--key-file', 'KEY'], '\udc00', {}, 'ERR_PAYLOAD_INVALID', /not valid UTF-8/],
  ])('%s: the core error code and exit 1', (_what, args, input, env, code, message) => {
    const resolved = args.map((a) => (a === 'PRIVATE' ? privateFile : a === 'KEY' ? keyFile : a))
    const run = input === '\udc00' ? spawnSync(process.execPath, [CLI, ...resolved], { input: Buffer.from([0xc3, 0x28]), encoding: 'utf8' }) : cli(resolved, input, env)
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(new RegExp(`^fincode-secure: ${code}: `))
    expect(run.stderr).toMatch(message)
    expect(run.stdout).toBe('')
  })
})

test('fingerprint prints what openssl prints for the same key', () => {
  const der = spawnSync('openssl', ['pkey', '-pubin', '-in', pemFile, '-outform', 'DER'])
  const digest = spawnSync('openssl', ['dgst', '-sha256', '-r'], { input: der.stdout, encoding: 'utf8' }).stdout.split(' ')[0]
  expect(digest).toMatch(/^[0-9a-f]{64}$/)
  expect(cli(['fingerprint', '--key-file', keyFile]).stdout).toBe(`${digest}\n`)
  expect(cli(['fingerprint'], '', { FINCODE_PUBLIC_KEY: publicPem }).stdout).toBe(`${digest}\n`)
})

test.each([['--help'], ['encrypt', '--help'], ['fingerprint', '-h'], ['sandbox', '--help']])('%j prints usage and exits 0', (...args) => {
  const run = cli(args)
  expect(run.status).toBe(0)
  expect(run.stdout).toMatch(/^Usage: fincode-secure/)
})

test('no command or an unknown one is a usage error (exit 2)', () => {
  expect(cli([]).status).toBe(2)
  const unknown = cli(['decrypt'])
  expect([unknown.status, unknown.stderr]).toEqual([2, expect.stringMatching(/ERR_USAGE: Unknown command/)])
})

test('sandbox starts on 127.0.0.1, serves its key, and stops cleanly on SIGTERM', async () => {
  const dataDir = join(dir, 'sandbox-data')
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    let out = ''
    const apiUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner in 30 s: ${out}`)), 30_000)
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /FinCode sandbox on (http:\/\/127\.0\.0\.1:\d+\/api\/v6)/.exec(out)
        if (match && out.includes('Ctrl+C')) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      })
    })
    const key = (await (await fetch(`${apiUrl}/encryption-keys/current`)).json()) as { fingerprint: string; publicKey: string }
    expect(out).toContain(key.fingerprint)
    expect(out).toContain('cashier@example.com / sandbox-password')
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(existsSync(join(dataDir, 'state.json'))).toBe(true)
  } finally {
    child.kill('SIGKILL')
  }
})

test('sandbox refuses a port that is not a number', () => {
  const run = cli(['sandbox', '--port', 'eighty'])
  expect([run.status, run.stderr]).toEqual([2, expect.stringMatching(/--port must be a number/)])
})

test("docs/sandbox.md's curl walk-through gets a token with the encrypted cashier password and changes the PIN; no secret is ever on a command line", async () => {
  const { startTestSandbox } = await import('./helpers/sandbox.js')
  const { readFileSync, chmodSync, mkdirSync } = await import('node:fs')
  const sandbox = await startTestSandbox()
  try {
    const guide = readFileSync('docs/sandbox.md', 'utf8')
    const example = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((block) => block.includes('services/change-pin'))!
    expect(example).toContain('API=http://127.0.0.1:8787/api/v6')
    const bin = join(dir, 'bin')
    mkdirSync(bin, { recursive: true })
    // Both commands log their arguments, as ps would show them, before running.
    const argvLog = join(dir, 'argv.log')
    writeFileSync(join(bin, 'fincode-secure'), `#!/bin/sh\nprintf '%s\\n' "fincode-secure $*" >> "${argvLog}"\nexec "${process.execPath}" "${CLI}" "$@"\n`)
    writeFileSync(join(bin, 'curl'), `#!/bin/sh\nprintf '%s\\n' "curl $*" >> "${argvLog}"\nexec /usr/bin/curl "$@"\n`)
    chmodSync(join(bin, 'fincode-secure'), 0o755)
    chmodSync(join(bin, 'curl'), 0o755)
    const script = example.replace('API=http://127.0.0.1:8787/api/v6', `API=${sandbox.apiUrl}`)
    // Asynchronous: the sandbox runs in this process and must keep answering.
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: dir,
      env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, FINCODE_API_TOKEN: undefined, FINCODE_UUID: undefined, FINCODE_PUBLIC_KEY: undefined },
    })
    // What the user types at the three read -rs prompts: the sandbox cashier's password, the current PIN, the new one.
    child.stdin.end('sandbox-password\n0000\n4321\n')
    const run = { stdout: '', stderr: '' }
    child.stdout.on('data', (c: Buffer) => (run.stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (run.stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000)
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
    clearTimeout(timer)
    expect(status).toBe(0)
    expect(run.stderr).toBe('')
    const lines = run.stdout.trim().split('\n')
    expect(lines[0]).toBe(sandbox.currentKey().fingerprint)
    const answer = JSON.parse(lines.at(-1)!)
    expect(answer.changed).toBe(true)
    expect(answer.fields.map((f: { field: string; decrypted: boolean }) => `${f.field}:${f.decrypted}`)).toEqual(['userPin:true', 'transactionPin:true', 'confirmation.transactionPin:true'])
    expect(run.stdout).not.toContain('4321')
    expect(run.stdout).not.toContain('sandbox-password')
    const argv = readFileSync(argvLog, 'utf8')
    expect(argv).toMatch(/^curl .*\/services\/change-pin/m)
    expect(argv).toMatch(/^fincode-secure encrypt --key-file fincode-key.txt$/m)
    for (const secret of ['sandbox-password', '4321', 'X-Auth-Token']) expect(argv).not.toContain(secret)
    // The token the walk-through created is the one that was used, once.
    const created = sandbox.listTokens().filter((t) => t.label === 'curl-walkthrough')
    expect(created.map((t) => [t.status, t.lastUsedAt !== null])).toEqual([['active', true]])
  } finally {
    await sandbox.dispose()
  }
}, 60_000)
