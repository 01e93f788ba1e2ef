// The server side, for real: decrypt our ciphertexts with Java (SunJCE), the
// OpenSSL command line and Python's `cryptography`, set up the way FinCode's
// servers are (or, to show the trap in ../shared/notes/interop.md, the way Java's
// defaults are). Every runner takes a batch and returns one result per job, in
// order, so a test pays one JVM / interpreter start for many ciphertexts.
//
//   const status = await toolStatus('java')              // installed? which version?
//   const results = await decryptWith('java', [{ ciphertext, privateKey }], { mgf1Hash: 'SHA-256' })
//   results[0]  // { ok: true, text: 'pïn é🔒', bytes } or { ok: false, error: 'javax.crypto.BadPaddingException: …' }
//   results[0].parameters  // java only: what the cipher says it uses, 'md=SHA-256 mgf1=SHA-256'
//   // a job may carry its own setup, so one process can try several:
//   await decryptWith('java', [{ ciphertext, privateKey, setup: { javaCipher: 'java-default' } }, …])
//
// Setups (the OAEP label hash is SHA-256 in all of them):
//   { mgf1Hash: 'SHA-256' }  (default)  FinCode's docs; what WebCrypto produces.
//       java:    Cipher "RSA/ECB/OAEPPadding" + OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)
//       openssl: pkeyutl -decrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
//       python:  OAEP(mgf=MGF1(SHA256()), algorithm=SHA256(), label=None)
//   { mgf1Hash: 'SHA-1' }    the same with MGF1-SHA-1 (what Java's default provider produces and expects).
//   { javaCipher: 'java-default' }  java only: Cipher "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" with no
//       OAEPParameterSpec, i.e. the FinCode Java sample as written; SunJCE then uses MGF1-SHA-1.
//
// Tool policy (`skipMissingTool`): under CI=true a missing tool fails the tests that need it;
// elsewhere those tests may be skipped, visibly.
import { spawn } from 'node:child_process'
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type ServerTool = 'java' | 'openssl' | 'python'
export type Mgf1Hash = 'SHA-256' | 'SHA-1'

/** How the server's OAEP is set up; the label hash is SHA-256 in every setup. */
export interface OaepSetup {
  /** MGF1 hash the server is configured with. Default 'SHA-256'. Not allowed with `javaCipher: 'java-default'`, which fixes it to SHA-1. */
  mgf1Hash?: Mgf1Hash
  /** Java only. 'explicit-spec' (default): "RSA/ECB/OAEPPadding" with an OAEPParameterSpec. 'java-default': "RSA/ECB/OAEPWithSHA-256AndMGF1Padding", no spec. */
  javaCipher?: 'explicit-spec' | 'java-default'
}

export interface DecryptJob {
  /** Standard padded Base64, as `encryptPayload` returns it. */
  ciphertext: string
  /** The RSA private key: a Node KeyObject, or PEM (PKCS#8 or PKCS#1). */
  privateKey: KeyObject | string
  /** This job's setup, over the call's: lets one batch (one process) mix setups. */
  setup?: OaepSetup
}

export interface ServerSetup extends OaepSetup {
  /** Kill the tool after this long; default 60 s for the whole batch (per ciphertext for openssl). */
  timeoutMs?: number
}

/**
 * One job's outcome. `text` is the bytes read as UTF-8, what a server's `new String(bytes, UTF_8)` gives.
 * `parameters` (Java only) is what the initialised Cipher reports from getParameters(), e.g.
 * 'md=SHA-256 mgf1=SHA-1' for the default provider without a spec; '' if the job failed before that.
 */
export type Decrypted = ({ ok: true; text: string; bytes: Buffer } | { ok: false; error: string }) & { parameters?: string }

export interface ToolStatus {
  tool: ServerTool
  available: boolean
  /** The version when available ("OpenSSL 3.0.19 …"), else why not. */
  detail: string
}

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/** The Python interpreter the tests use: $PYTHON, else python3. */
export const PYTHON = process.env.PYTHON ?? 'python3'

const JAVA_SOURCE = fileURLToPath(new URL('../interop/Decrypt.java', import.meta.url))
const PYTHON_SCRIPT = fileURLToPath(new URL('../interop/decrypt.py', import.meta.url))
const DEFAULT_TIMEOUT_MS = 60_000

// ---------------------------------------------------------------- processes

interface Ran {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: Buffer
  stderr: string
}

/** Runs a command to completion with `input` on stdin; rejects only when it cannot start. */
function run(command: string, args: readonly string[], input: string | Uint8Array = '', timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', reject)
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') }))
    // A tool that dies early closes its stdin (EPIPE); its exit status says why.
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}

function describeExit(command: string, ran: Ran): string {
  const why = ran.signal === 'SIGKILL' ? 'was killed (timeout?)' : ran.signal ? `died of ${ran.signal}` : `exited with ${ran.status}`
  return `${command} ${why}: ${ran.stderr.trim().slice(0, 2000)}`
}

/** Runs `fn` over `items` with at most `limit` at a time (2 shared cores), keeping order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

// ---------------------------------------------------------------- tool status

const statuses = new Map<ServerTool, Promise<ToolStatus>>()

async function probe(tool: ServerTool): Promise<ToolStatus> {
  const missing = (detail: string): ToolStatus => ({ tool, available: false, detail })
  const attempt = async (command: string, args: string[]): Promise<Ran | string> =>
    run(command, args, '', 30_000).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? `${command} is not on PATH` : `${command}: ${error.message}`))
  if (tool === 'java') {
    const javac = await attempt('javac', ['-version'])
    if (typeof javac === 'string') return missing(javac)
    if (javac.status !== 0) return missing(describeExit('javac -version', javac))
    const java = await attempt('java', ['-version'])
    if (typeof java === 'string') return missing(java)
    if (java.status !== 0) return missing(describeExit('java -version', java))
    return { tool, available: true, detail: java.stderr.split('\n')[0]!.trim() }
  }
  if (tool === 'openssl') {
    const ran = await attempt('openssl', ['version'])
    if (typeof ran === 'string') return missing(ran)
    // "OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)": the part before the library echo is enough.
    return ran.status === 0 ? { tool, available: true, detail: ran.stdout.toString().replace(/\(Library:.*\)/, '').trim() } : missing(describeExit('openssl version', ran))
  }
  const ran = await attempt(PYTHON, ['-c', "import sys, cryptography; print('Python', sys.version.split()[0], '+ cryptography', cryptography.__version__)"])
  if (typeof ran === 'string') return missing(ran)
  return ran.status === 0 ? { tool, available: true, detail: ran.stdout.toString().trim() } : missing(`${PYTHON} has no usable cryptography package: ${ran.stderr.trim().split('\n').pop()}`)
}

/** Whether `tool` can run here, and its version. Probed once per process. */
export function toolStatus(tool: ServerTool): Promise<ToolStatus> {
  let status = statuses.get(tool)
  if (!status) statuses.set(tool, (status = probe(tool)))
  return status
}

/**
 * True when the tests that need this tool should be skipped: it is missing and
 * we are not in CI. Under CI=true it is always false, so those tests run and
 * fail with the reason instead of passing as skipped.
 */
export function skipMissingTool(status: ToolStatus): boolean {
  if (status.available) return false
  if (!IN_CI) console.warn(`[server-tools] skipping ${status.tool} tests: ${status.detail}`)
  return !IN_CI
}

async function requireTool(tool: ServerTool): Promise<ToolStatus> {
  const status = await toolStatus(tool)
  if (!status.available) throw new Error(`${tool} is not available: ${status.detail}${IN_CI ? ' (CI=true requires every server tool; see .ci/run)' : ''}`)
  return status
}

// ---------------------------------------------------------------- keys and results

function privateKeyObject(key: KeyObject | string): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key
}

const pkcs8Cache = new Map<KeyObject | string, string>()

/** The private key as Base64 PKCS#8 DER, the form Java's PKCS8EncodedKeySpec reads. */
function pkcs8Base64(key: KeyObject | string): string {
  let der = pkcs8Cache.get(key)
  if (!der) {
    der = privateKeyObject(key).export({ type: 'pkcs8', format: 'der' }).toString('base64')
    pkcs8Cache.set(key, der)
  }
  return der
}

function decoded(bytes: Buffer): Decrypted {
  return { ok: true, bytes, text: bytes.toString('utf8') }
}

/** Parses the `OK\t<base64>` / `ERR\t<message>` lines Decrypt.java and decrypt.py print (Java adds `\t<parameters>`). */
function parseLines(command: string, ran: Ran, expected: number): Decrypted[] {
  const lines = ran.stdout.toString('ascii').split('\n').filter(Boolean)
  if (ran.status !== 0 || lines.length !== expected) {
    throw new Error(`${describeExit(command, ran)} (${lines.length} of ${expected} results)`)
  }
  return lines.map((line) => {
    const [tag, rest = '', parameters] = line.split('\t', 3)
    const result: Decrypted = tag === 'OK' ? decoded(Buffer.from(rest, 'base64')) : { ok: false, error: rest }
    return parameters === undefined ? result : { ...result, parameters }
  })
}

/** The job's own setup over the call's, checked for this tool. */
function setupOf(tool: ServerTool, setup: OaepSetup, job?: DecryptJob): OaepSetup {
  const merged: OaepSetup = { mgf1Hash: job?.setup?.mgf1Hash ?? setup.mgf1Hash, javaCipher: job?.setup?.javaCipher ?? setup.javaCipher }
  if (merged.javaCipher && tool !== 'java') throw new Error(`javaCipher is a Java setup; ${tool} has no such option`)
  if (merged.javaCipher === 'java-default' && merged.mgf1Hash) {
    throw new Error("javaCipher 'java-default' fixes MGF1 to SHA-1 (SunJCE's default); do not pass mgf1Hash with it")
  }
  return merged
}

// ---------------------------------------------------------------- Java

let javaClasses: Promise<string> | undefined

/**
 * Compiles Decrypt.java once, into a temp dir named for the source and JDK, so
 * every worker and later runs reuse it. Compiled in a private dir and renamed
 * into place, so two workers compiling at once cannot see half a class file.
 */
function javaClassDir(): Promise<string> {
  javaClasses ??= (async () => {
    const { detail } = await requireTool('java')
    const id = createHash('sha256').update(readFileSync(JAVA_SOURCE)).update(detail).digest('hex').slice(0, 16)
    const dir = join(tmpdir(), `fincode-secure-java-${id}`)
    if (existsSync(join(dir, 'Decrypt.class'))) return dir
    const staging = mkdtempSync(join(tmpdir(), 'fincode-secure-javac-'))
    const ran = await run('javac', ['-d', staging, JAVA_SOURCE], '', 120_000)
    if (ran.status !== 0) {
      rmSync(staging, { recursive: true, force: true })
      throw new Error(describeExit('javac Decrypt.java', ran))
    }
    try {
      renameSync(staging, dir)
    } catch {
      rmSync(staging, { recursive: true, force: true }) // another worker got there first
    }
    return dir
  })()
  return javaClasses
}

async function javaDecryptBatch(jobs: readonly DecryptJob[], setup: ServerSetup): Promise<Decrypted[]> {
  const dir = await javaClassDir()
  const mode = ({ javaCipher, mgf1Hash }: OaepSetup) => (javaCipher === 'java-default' ? 'java-default' : mgf1Hash === 'SHA-1' ? 'explicit-sha1' : 'explicit-sha256')
  const input = jobs.map((job) => `${mode(setupOf('java', setup, job))}\t${pkcs8Base64(job.privateKey)}\t${job.ciphertext}\n`).join('')
  // Serial GC: no GC threads competing for 2 cores. Not -XX:TieredStopAtLevel=1: without C2,
  // BigInteger loses its intrinsics and RSA-4096 decryption gets 2–3 times slower.
  const ran = await run('java', ['-XX:+UseSerialGC', '-Xshare:auto', '-cp', dir, 'Decrypt'], input, setup.timeoutMs)
  return parseLines('java Decrypt', ran, jobs.length)
}

// ---------------------------------------------------------------- Python

async function pythonDecryptBatch(jobs: readonly DecryptJob[], setup: ServerSetup): Promise<Decrypted[]> {
  await requireTool('python')
  const input = jobs.map((job) => `${setupOf('python', setup, job).mgf1Hash ?? 'SHA-256'}\t${pkcs8Base64(job.privateKey)}\t${job.ciphertext}\n`).join('')
  const ran = await run(PYTHON, [PYTHON_SCRIPT], input, setup.timeoutMs)
  return parseLines(`${PYTHON} decrypt.py`, ran, jobs.length)
}

// ---------------------------------------------------------------- OpenSSL

const OPENSSL_MD = { 'SHA-256': 'sha256', 'SHA-1': 'sha1' } as const

function oaepOptions(mgf1Hash: Mgf1Hash): string[] {
  return ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', `rsa_mgf1_md:${OPENSSL_MD[mgf1Hash]}`]
}

/** Writes each distinct key once into a private temp dir; returns its path per job. */
function writeKeyFiles(dir: string, keys: readonly string[]): string[] {
  const paths = new Map<string, string>()
  return keys.map((pem) => {
    let path = paths.get(pem)
    if (!path) {
      path = join(dir, `key${paths.size}.pem`)
      writeFileSync(path, pem, { mode: 0o600 })
      paths.set(pem, path)
    }
    return path
  })
}

// OpenSSL 3's `openssl` has no interactive batch mode any more (no arguments only
// prints help), so each ciphertext is one short pkeyutl process, two at a time.
async function opensslDecryptBatch(jobs: readonly DecryptJob[], setup: ServerSetup): Promise<Decrypted[]> {
  await requireTool('openssl')
  const dir = mkdtempSync(join(tmpdir(), 'fincode-secure-openssl-'))
  try {
    const keyFiles = writeKeyFiles(
      dir,
      jobs.map((job) => privateKeyObject(job.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString()),
    )
    return await pool(jobs, 2, async (job, i): Promise<Decrypted> => {
      const options = oaepOptions(setupOf('openssl', setup, job).mgf1Hash ?? 'SHA-256')
      const ran = await run('openssl', ['pkeyutl', '-decrypt', '-inkey', keyFiles[i]!, ...options], Buffer.from(job.ciphertext, 'base64'), setup.timeoutMs)
      if (ran.status === 0) return decoded(ran.stdout)
      if (ran.signal) throw new Error(describeExit('openssl pkeyutl', ran))
      return { ok: false, error: ran.stderr.trim().replace(/\s+/g, ' ') }
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Reference ciphertexts from OpenSSL (`pkeyutl -encrypt`, SHA-256 label hash,
 * the given MGF1 hash), e.g. SHA-256/MGF1-SHA-1 to stand in for Java's default
 * provider. Returns standard Base64, one per plaintext, in order.
 */
export async function opensslEncrypt(jobs: readonly { plaintext: string | Uint8Array; publicKey: KeyObject | string }[], mgf1Hash: Mgf1Hash): Promise<string[]> {
  await requireTool('openssl')
  const dir = mkdtempSync(join(tmpdir(), 'fincode-secure-openssl-'))
  try {
    const keyFiles = writeKeyFiles(
      dir,
      jobs.map((job) => {
        // Accept the dashboard's bare Base64 SPKI as well as PEM and KeyObjects.
        const key = typeof job.publicKey === 'string' && !job.publicKey.includes('-----')
          ? createPublicKey({ key: Buffer.from(job.publicKey, 'base64'), format: 'der', type: 'spki' })
          : createPublicKey(job.publicKey)
        return key.export({ type: 'spki', format: 'pem' }).toString()
      }),
    )
    const options = oaepOptions(mgf1Hash)
    return await pool(jobs, 2, async (job, i) => {
      const ran = await run('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', keyFiles[i]!, ...options], job.plaintext)
      if (ran.status !== 0) throw new Error(describeExit('openssl pkeyutl -encrypt', ran))
      return ran.stdout.toString('base64')
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------- entry points

/**
 * Decrypts a batch with one server tool; one result per job, in order. A job the
 * tool refuses is `{ ok: false, error }` (the tool's own words); a tool that is
 * missing, crashes or times out rejects the whole call.
 */
export async function decryptWith(tool: ServerTool, jobs: readonly DecryptJob[], setup: ServerSetup = {}): Promise<Decrypted[]> {
  setupOf(tool, setup)
  for (const job of jobs) setupOf(tool, setup, job)
  if (jobs.length === 0) return []
  if (tool === 'java') return javaDecryptBatch(jobs, setup)
  if (tool === 'python') return pythonDecryptBatch(jobs, setup)
  return opensslDecryptBatch(jobs, setup)
}

export const javaDecrypt = (jobs: readonly DecryptJob[], setup?: ServerSetup) => decryptWith('java', jobs, setup)
export const opensslDecrypt = (jobs: readonly DecryptJob[], setup?: ServerSetup) => decryptWith('openssl', jobs, setup)
export const pythonDecrypt = (jobs: readonly DecryptJob[], setup?: ServerSetup) => decryptWith('python', jobs, setup)
