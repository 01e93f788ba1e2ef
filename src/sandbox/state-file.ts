// The sandbox's whole state in one JSON file, replaced atomically: write a temp
// file, fsync it, rename it over the old one, fsync the directory. A process
// killed at any instant leaves either the old file or the new one, never half.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

export const STATE_FILE = 'state.json'
const TEMP_SUFFIX = '.tmp'

export interface StoredKey {
  id: string
  createdAt: string
  /** Set once the key is rotated out; retired keys are kept only to diagnose "encrypted with a rotated key". */
  retiredAt: string | null
  modulusLength: number
  /** Base64 SPKI DER, as the dashboard shows it. */
  publicKey: string
  /** Lowercase hex SHA-256 of the SPKI DER. */
  fingerprint: string
  /** PKCS#8 PEM. This file is the sandbox's HSM: mode 0600 in a 0700 directory. */
  privateKeyPem: string
}

/** How long an API token lives: 24 hours, or 1, 3, 6 or 12 calendar months, as the dashboard offers. */
export type TokenExpiry = '24h' | '1m' | '3m' | '6m' | '12m'

export interface StoredToken {
  id: string
  label: string
  expiresIn: TokenExpiry
  createdAt: string
  expiresAt: string
  lastUsedAt: string | null
  invalidatedAt: string | null
  /** The successor's id once the token is rotated (it keeps working until invalidated or expired). */
  replacedBy: string | null
  /** The id of the token this one replaced, for a successor made by a rotation. */
  replaces: string | null
  /** Lowercase hex SHA-256 of the token. The token itself is shown once and never stored. */
  tokenSha256: string
}

export interface SandboxState {
  format: 'fincode-sandbox-state'
  version: 1
  currentKey: StoredKey
  /** Newest first. */
  retiredKeys: StoredKey[]
  tokens: StoredToken[]
  /** The cashier's transaction PIN, as scrypt(salt) — the change-pin service checks the current one against it. */
  transactionPin: { salt: string; scrypt: string; changedAt: string }
}

/** Reads the state; undefined when there is none yet. A file that is present but unreadable is an error, never a silent reset (it holds the key). */
export async function readState(dir: string): Promise<SandboxState | undefined> {
  let text: string
  try {
    text = await readFile(join(dir, STATE_FILE), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  let state: unknown
  try {
    state = JSON.parse(text)
  } catch (cause) {
    throw new Error(`${join(dir, STATE_FILE)} is not valid JSON; the sandbox will not overwrite it. Move it away (or delete the data directory) to start with a new key.`, { cause })
  }
  const problem = stateProblem(state)
  if (problem) throw new Error(`${join(dir, STATE_FILE)} is not a sandbox state file (${problem}); move it away to start over.`)
  // Files written before token rotation existed have no links between tokens.
  for (const token of (state as SandboxState).tokens) {
    token.replacedBy ??= null
    token.replaces ??= null
  }
  return state as SandboxState
}

/** What is wrong with a parsed state, or undefined when its shape is right. Used on load and by the tests. */
export function stateProblem(state: unknown): string | undefined {
  const s = state as Partial<SandboxState> | null
  if (typeof s !== 'object' || s === null || s.format !== 'fincode-sandbox-state') return 'no format marker'
  if (s.version !== 1) return `unknown version ${String(s.version)}`
  const keyProblem = (k: Partial<StoredKey> | undefined, retired: boolean) =>
    !k || typeof k.id !== 'string' || typeof k.publicKey !== 'string' || typeof k.privateKeyPem !== 'string' || typeof k.fingerprint !== 'string'
      ? 'a key record is incomplete'
      : retired !== (typeof k.retiredAt === 'string')
        ? 'a key has the wrong retired flag'
        : undefined
  const current = keyProblem(s.currentKey, false)
  if (current) return current
  if (!Array.isArray(s.retiredKeys)) return 'retiredKeys is not a list'
  for (const k of s.retiredKeys) if (keyProblem(k, true)) return keyProblem(k, true)
  if (!Array.isArray(s.tokens)) return 'tokens is not a list'
  for (const t of s.tokens) {
    if (!t || typeof t.id !== 'string' || typeof t.label !== 'string' || !/^[0-9a-f]{64}$/.test(t.tokenSha256 ?? '')) return 'a token record is incomplete'
  }
  if (!s.transactionPin || typeof s.transactionPin.salt !== 'string' || typeof s.transactionPin.scrypt !== 'string') return 'transactionPin is missing'
  return undefined
}

let sequence = 0

export async function writeStateAtomic(dir: string, state: SandboxState): Promise<void> {
  const target = join(dir, STATE_FILE)
  const temp = `${target}.${process.pid}.${++sequence}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`
  const file = await open(temp, 'wx', 0o600)
  try {
    await file.writeFile(JSON.stringify(state, null, 2) + '\n', 'utf8')
    await file.sync()
  } catch (error) {
    await file.close()
    await rm(temp, { force: true })
    throw error
  }
  await file.close()
  await rename(temp, target)
  await syncDirectory(dir)
}

/** Makes the rename itself durable. Some file systems cannot fsync a directory; the rename is still atomic there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // EISDIR/EINVAL/EPERM on platforms without directory fsync.
  } finally {
    await handle?.close()
  }
}

/** Names the sandbox itself puts in its data directory (the lock's takeover marker included). */
const OWN_FILE = /^(state\.json(\..+\.tmp)?|sandbox\.lock(\..+)?)$/

/** A start that cannot go ahead: the message says what to do; `code` is stable for scripts. */
export class SandboxStartError extends Error {
  constructor(
    /** Why: another sandbox holds the directory, others can read it, or it holds no sandbox state. */
    readonly code: 'SANDBOX_DATA_DIR_IN_USE' | 'SANDBOX_DATA_DIR_NOT_PRIVATE' | 'SANDBOX_STATE_MISSING',
    message: string,
  ) {
    super(message)
    this.name = 'SandboxStartError'
  }
}

/**
 * Creates the data directory (0700), or makes an existing one private. It holds
 * the organisation's private key, so a directory other users can read is
 * fixed when it holds only sandbox files, and refused otherwise.
 */
export async function makePrivateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // Windows has no POSIX modes: its ACLs are inherited from the parent folder.
  if (process.platform === 'win32') return
  const info = await stat(dir)
  const notPrivate = (mode: number) =>
    new SandboxStartError(
      'SANDBOX_DATA_DIR_NOT_PRIVATE',
      `The sandbox's data directory ${dir} has mode ${(mode & 0o777).toString(8).padStart(4, '0')}: other users could read its private key. Run \`chmod 700 ${dir}\` and start again.`,
    )
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    throw new SandboxStartError('SANDBOX_DATA_DIR_NOT_PRIVATE', `The sandbox's data directory ${dir} belongs to another user (uid ${info.uid}); choose a directory of your own with --data-dir.`)
  }
  if ((info.mode & 0o077) === 0) return
  // Someone else's files in it (a home directory, a project folder) are not the sandbox's to re-permission.
  const names = await readdir(dir)
  if (!names.every((name) => OWN_FILE.test(name))) throw notPrivate(info.mode)
  try {
    await chmod(dir, 0o700)
  } catch {
    throw notPrivate(info.mode)
  }
}

/** Temp files of a process killed mid-write: never renamed, so never part of the state. Only the lock holder may sweep. */
export async function sweepTempFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith(`${STATE_FILE}.`) && name.endsWith(TEMP_SUFFIX)) await rm(join(dir, name), { force: true })
  }
}

export async function prepareDirectory(dir: string): Promise<void> {
  await makePrivateDirectory(dir)
  await sweepTempFiles(dir)
}
