// Batch decryption of RSA-OAEP (label hash SHA-256) by the real server-side
// tools, parameterised by the MGF1 hash: Java's default provider (or an explicit
// OAEPParameterSpec), `openssl pkeyutl`, Python's `cryptography`. Each returns one
// outcome per ciphertext, in order: the plaintext bytes as Base64, or "ERR …".
// The programs are in test/interop/. A tool that crashes throws; a ciphertext
// that does not decrypt is an outcome, since the tests also expect failures.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import type { KeyObject } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const INTEROP = fileURLToPath(new URL('../interop/', import.meta.url))
const PYTHON = process.env.PYTHON ?? 'python3'
const TIMEOUT = 300_000

/**
 * True when `command args` runs. Under CI=true a missing tool throws instead,
 * so that the run fails rather than skipping the proof.
 */
export function toolAvailable(command: string, args: string[]): boolean {
  const run = spawnSync(command, args, { stdio: 'ignore', timeout: 60_000 })
  if (run.status === 0) return true
  if (process.env.CI === 'true') throw new Error(`${command} is required for the interoperability tests (CI=true): install it (see .ci/run).`)
  return false
}

export const hasJava = () => toolAvailable('javac', ['-version']) && toolAvailable('java', ['-version'])
export const hasPython = () => toolAvailable(PYTHON, ['-c', 'import cryptography'])
export const hasOpenssl = () => toolAvailable('openssl', ['version'])

/** A temporary folder holding one private key as PKCS#8 DER (Java) and PEM (OpenSSL, Python). */
export interface KeyFiles {
  dir: string
  der: string
  pem: string
  remove(): void
}

export function writeKeyFiles(privateKey: KeyObject): KeyFiles {
  const dir = mkdtempSync(join(tmpdir(), 'fincode-jd-'))
  const der = join(dir, 'key.der')
  const pem = join(dir, 'key.pem')
  writeFileSync(der, privateKey.export({ type: 'pkcs8', format: 'der' }))
  writeFileSync(pem, privateKey.export({ type: 'pkcs8', format: 'pem' }))
  return { dir, der, pem, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

function checked(what: string, run: SpawnSyncReturns<string>): string {
  if (run.error) throw new Error(`${what} could not run: ${run.error.message}`)
  if (run.status !== 0) throw new Error(`${what} exited with ${run.status ?? run.signal}:\n${run.stderr}`)
  return run.stdout
}

/** The programs print "OK <Base64>" (the Base64 of an empty plaintext is empty) or "ERR <reason>", one per line. */
function outcomesOf(lines: string[]): string[] {
  return lines.map((line) => (line.startsWith('OK ') ? line.slice(3) : line))
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '')
}

let javaClasses: string | undefined

/** Compiles JavaOaepDecrypt.java once per test process. */
function javaClassPath(): string {
  if (!javaClasses) {
    const dir = mkdtempSync(join(tmpdir(), 'fincode-jd-java-'))
    checked('javac', spawnSync('javac', ['-d', dir, join(INTEROP, 'JavaOaepDecrypt.java')], { encoding: 'utf8', timeout: TIMEOUT }))
    javaClasses = dir
  }
  return javaClasses
}

export type JavaMode = 'default' | 'MGF1-SHA-1' | 'MGF1-SHA-256'

/**
 * One JVM for the whole batch. `parameters` is what the cipher reports it uses,
 * e.g. "md=SHA-256 mgf1=SHA-1" for the default provider without a spec.
 */
export function javaDecrypt(keys: KeyFiles, ciphertexts: string[], mode: JavaMode): { parameters: string; outcomes: string[] } {
  const stdout = checked(
    'java',
    spawnSync('java', ['-cp', javaClassPath(), 'JavaOaepDecrypt', keys.der, mode], {
      input: ciphertexts.join('\n') + '\n',
      encoding: 'utf8',
      timeout: TIMEOUT,
      maxBuffer: 64 << 20,
    }),
  )
  const [header = '', ...outcomes] = lines(stdout)
  return { parameters: header.replace(/^# /, ''), outcomes: outcomesOf(outcomes) }
}

/** One Python process for the whole batch: OAEP(mgf=MGF1(<mgf1>), algorithm=SHA256()). */
export function pythonDecrypt(keys: KeyFiles, ciphertexts: string[], mgf1: 'SHA-1' | 'SHA-256'): string[] {
  return outcomesOf(lines(
    checked(
      PYTHON,
      spawnSync(PYTHON, [join(INTEROP, 'oaep_decrypt.py'), keys.pem, mgf1], {
        input: ciphertexts.join('\n') + '\n',
        encoding: 'utf8',
        timeout: TIMEOUT,
        maxBuffer: 64 << 20,
      }),
    ),
  ))
}

/**
 * `openssl pkeyutl -decrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
 * -pkeyopt rsa_mgf1_md:<mgf1>` on every ciphertext. pkeyutl takes one input per
 * process, so one shell runs the loop: a process start per ciphertext, no Node spawn.
 */
export function opensslDecrypt(keys: KeyFiles, ciphertexts: string[], mgf1: 'sha1' | 'sha256'): string[] {
  const dir = join(keys.dir, `openssl-${mgf1}-${Date.now()}`)
  mkdirSync(dir)
  const name = (i: number) => join(dir, `ct-${String(i).padStart(6, '0')}`)
  ciphertexts.forEach((ciphertext, i) => writeFileSync(`${name(i)}.bin`, Buffer.from(ciphertext, 'base64')))
  const loop =
    'for f in "$1"/*.bin; do openssl pkeyutl -decrypt -inkey "$2" -in "$f" -out "${f%.bin}.out" ' +
    '-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:"$3" 2>"${f%.bin}.err" || rm -f "${f%.bin}.out"; done'
  checked('sh (openssl loop)', spawnSync('sh', ['-c', loop, 'sh', dir, keys.pem, mgf1], { encoding: 'utf8', timeout: TIMEOUT }))
  const outcomes = ciphertexts.map((_, i) =>
    existsSync(`${name(i)}.out`) ? readFileSync(`${name(i)}.out`).toString('base64') : `ERR ${readFileSync(`${name(i)}.err`, 'utf8').trim().split('\n').at(-1)}`,
  )
  rmSync(dir, { recursive: true, force: true })
  return outcomes
}
