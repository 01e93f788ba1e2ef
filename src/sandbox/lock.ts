// One process per data directory. Two sandboxes on one directory would each
// write their own state over the other's: tokens acknowledged by one vanish,
// a retired key comes back. The lock file names its owner (pid, URL) so a
// second start can say who holds it, and CLI commands can reach the owner over HTTP.
import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SandboxStartError } from './state-file.js'

/** The lock file's name in the data directory: it names the sandbox that holds the directory. */
export const LOCK_FILE = 'sandbox.lock'
/** A takeover marker older than this belongs to a process that died while taking over. */
const TAKEOVER_STALE_MS = 10_000

/** What the lock file holds: who holds the data directory, and where it answers. */
export interface LockOwner {
  /** The holding process's id. */
  pid: number
  /** The running sandbox's API root (…/api/v6); null until it listens. */
  url: string | null
  /** When it started (ISO 8601). */
  startedAt: string
}

export interface DataDirLock {
  readonly path: string
  /** Records the URL once the server listens, for `fincode-secure sandbox rotate` and the refusal message. */
  setUrl(url: string): Promise<void>
  release(): Promise<void>
}

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The lock's owner, or undefined when there is no lock (or it is unreadable, which only a dead writer leaves). */
export async function readLock(dir: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as Partial<LockOwner>
    if (!Number.isInteger(owner.pid)) return undefined
    return { pid: owner.pid!, url: typeof owner.url === 'string' ? owner.url : null, startedAt: String(owner.startedAt ?? '') }
  } catch {
    return undefined
  }
}

/** The owner when a live process holds the directory. */
export async function liveOwner(dir: string): Promise<LockOwner | undefined> {
  const owner = await readLock(dir)
  return owner && processAlive(owner.pid) ? owner : undefined
}

function inUse(dir: string, owner: LockOwner): SandboxStartError {
  const where = owner.url ? ` at ${owner.url}` : ''
  return new SandboxStartError(
    'SANDBOX_DATA_DIR_IN_USE',
    `The data directory ${dir} is in use by another sandbox (pid ${owner.pid}${where}). Stop that process, use it instead, or pass another data directory (--data-dir / FINCODE_SANDBOX_DIR). If no sandbox is running, delete ${join(dir, LOCK_FILE)}.`,
  )
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** Writes the file under a temporary name, then moves or links it into place: readers never see half a lock. */
async function writeWhole(path: string, text: string, place: 'link' | 'rename'): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`
  await writeFile(temp, text, { mode: 0o600, flag: 'wx' })
  try {
    if (place === 'link') await link(temp, path)
    else await rename(temp, path)
  } finally {
    await rm(temp, { force: true })
  }
}

/**
 * Takes the directory's lock, or refuses with the owner's pid and URL. A lock
 * left by a process that is gone (kill -9, power loss) is taken over; two
 * processes taking over at once serialise on a marker directory.
 */
export async function acquireLock(dir: string): Promise<DataDirLock> {
  const path = join(dir, LOCK_FILE)
  const marker = `${path}.takeover`
  const mine: LockOwner = { pid: process.pid, url: null, startedAt: new Date().toISOString() }
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      // link() fails when the name exists: creating the lock and checking for one are one step.
      await writeWhole(path, JSON.stringify(mine), 'link')
      return ownLock(path, mine)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const text = await readFile(path, 'utf8').catch(() => undefined)
    const owner = await readLock(dir)
    if (owner && processAlive(owner.pid)) throw inUse(dir, owner)
    try {
      await mkdir(marker)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const age = Date.now() - ((await stat(marker).catch(() => undefined))?.mtimeMs ?? Date.now())
      if (age > TAKEOVER_STALE_MS) await rmdir(marker).catch(() => undefined)
      await sleep(20 + Math.random() * 30)
      continue
    }
    try {
      // Still the same stale lock? Then nobody took it over in the meantime.
      if ((await readFile(path, 'utf8').catch(() => undefined)) === text) await rm(path, { force: true })
    } finally {
      await rmdir(marker).catch(() => undefined)
    }
  }
  throw new SandboxStartError('SANDBOX_DATA_DIR_IN_USE', `Could not take the lock ${path}: other processes keep competing for it.`)
}

function ownLock(path: string, mine: LockOwner): DataDirLock {
  let released = false
  return {
    path,
    setUrl: async (url) => {
      mine.url = url
      await writeWhole(path, JSON.stringify(mine), 'rename')
    },
    release: async () => {
      if (released) return
      released = true
      const owner = await readFile(path, 'utf8').then((text) => JSON.parse(text) as LockOwner, () => undefined)
      if (owner?.pid === mine.pid && owner.startedAt === mine.startedAt) await rm(path, { force: true })
    },
  }
}
