// CLI commands that change a sandbox's state. While a sandbox process holds
// the data directory, its files are its own: the command asks that process
// over HTTP (the URL it wrote into its lock file, or --url). Only when no live
// process holds the lock does the command open the files itself, under the lock.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { acquireLock, liveOwner } from '../sandbox/lock.js'
import { encryptPayload } from '../encrypt.js'
import { API_ROOT, keySummary, rotateRefusal, tokenSummary } from '../sandbox/routes.js'
import { makePrivateDirectory, SandboxStartError, STATE_FILE, type TokenExpiry } from '../sandbox/state-file.js'
import { SandboxStore } from '../sandbox/store.js'

export type SandboxTarget = { kind: 'http'; apiUrl: string } | { kind: 'files'; dataDir: string }

/** Where a command goes: --url, else the live owner of the data directory, else the files. */
export async function sandboxTarget(dataDir: string, url: string | undefined): Promise<SandboxTarget> {
  if (url !== undefined) {
    const apiUrl = url.replace(/\/+$/, '')
    return { kind: 'http', apiUrl: apiUrl.endsWith(API_ROOT) ? apiUrl : apiUrl + API_ROOT }
  }
  const dir = resolve(dataDir)
  const owner = await liveOwner(dir)
  if (owner) {
    if (!owner.url) throw new Error(`The sandbox in ${dir} (pid ${owner.pid}) is still starting; try again in a moment.`)
    return { kind: 'http', apiUrl: owner.url }
  }
  if (!existsSync(join(dir, STATE_FILE))) {
    throw new SandboxStartError('SANDBOX_STATE_MISSING', `No sandbox state in ${dir}: start one with "fincode-secure sandbox --data-dir ${dataDir}", or pass --url of a running one.`)
  }
  return { kind: 'files', dataDir: dir }
}

/** A JSON call to a running sandbox; its error answer becomes the message. */
export async function callSandbox<T>(apiUrl: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(apiUrl + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    })
  } catch (cause) {
    throw new Error(`No sandbox answers at ${apiUrl} (${(cause as Error).message}); is it running? Pass --url or --data-dir of a running sandbox.`, { cause })
  }
  const answer = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined
  if (!response.ok) throw new Error(`${answer?.error?.code ?? `HTTP ${response.status}`}: ${answer?.error?.message ?? 'the sandbox refused the request.'}`)
  return answer as T
}

/** Runs `work` on the store with the directory locked, and writes before unlocking. */
export async function withStoreFiles<T>(dataDir: string, work: (store: SandboxStore) => Promise<T>): Promise<T> {
  await makePrivateDirectory(dataDir)
  const lock = await acquireLock(dataDir)
  try {
    const store = await SandboxStore.open({ dataDir, now: Date.now, keyBits: 2048, initialTransactionPin: '0000' })
    const result = await work(store)
    await store.flush()
    return result
  } finally {
    await lock.release()
  }
}

interface KeyAnswer {
  current: { fingerprint: string; modulusLength: number }
  retired: { fingerprint: string }
}

/** `fincode-secure sandbox rotate`: a new organisation key; the old one is refused from now on. */
export async function rotateKeyCommand(target: SandboxTarget): Promise<string> {
  const answer: KeyAnswer =
    target.kind === 'http'
      ? await callSandbox<KeyAnswer>(target.apiUrl, 'POST', '/encryption-keys/rotate', {})
      : await withStoreFiles(target.dataDir, async (store) => {
          const { current, retired } = await store.rotateKey()
          return { current: keySummary(current), retired: keySummary(retired) }
        })
  const where = target.kind === 'http' ? target.apiUrl : `${target.dataDir} (no sandbox running)`
  return [
    `Key rotated on ${where}`,
    `  current  ${answer.current.fingerprint} (RSA-${answer.current.modulusLength})`,
    `  retired  ${answer.retired.fingerprint}: ciphertexts made with it are now refused with KEY_ROTATED`,
    '',
  ].join('\n')
}

interface TokenRow {
  id: string
  label: string
  status: string
  expiresAt: string
  lastUsedAt: string | null
  replacedBy: string | null
  replaces: string | null
  expiringSoon: boolean
  unusedFor30Days: boolean
}

/** `fincode-secure sandbox tokens`: one line per token, with what needs attention. */
export async function listTokensCommand(target: SandboxTarget): Promise<string> {
  const tokens =
    target.kind === 'http'
      ? (await callSandbox<{ tokens: TokenRow[] }>(target.apiUrl, 'GET', '/api-tokens')).tokens
      : await withStoreFiles(target.dataDir, async (store) => store.tokens.map((t) => tokenSummary(store, t) as TokenRow))
  if (tokens.length === 0) return 'No API tokens.\n'
  return (
    tokens
      .map((t) => {
        const notes = [
          t.expiringSoon && 'EXPIRES SOON',
          t.unusedFor30Days && 'UNUSED 30 DAYS',
          t.replacedBy && `replaced by ${t.replacedBy}`,
          t.replaces && `replaces ${t.replaces}`,
        ].filter(Boolean)
        return `${t.id}  ${t.status.padEnd(11)}  expires ${t.expiresAt}  last used ${t.lastUsedAt ?? 'never'}  ${JSON.stringify(t.label)}${notes.length ? `  (${notes.join('; ')})` : ''}`
      })
      .join('\n') + '\n'
  )
}

export interface RotatedToken {
  /** The successor's secret: for standard output alone, so `$(…)` captures just it. */
  token: string
  /** What happened and what to do next: for standard error. */
  report: string
}

/**
 * `fincode-secure sandbox rotate-token ID`: a successor for a token. Over HTTP it
 * signs in as the cashier, the password encrypted with the sandbox's current key,
 * as the dashboard does; on the files, the directory's owner needs no password.
 */
export async function rotateTokenCommand(
  target: SandboxTarget,
  id: string,
  expiresIn: TokenExpiry | undefined,
  cashier: { email: string; password: string },
): Promise<RotatedToken> {
  let successor: { id: string; label: string; expiresAt: string; token: string; replaces: string | null }
  if (target.kind === 'http') {
    const expiry = expiresIn ?? (await callSandbox<{ tokens: (TokenRow & { expiresIn: TokenExpiry })[] }>(target.apiUrl, 'GET', '/api-tokens')).tokens.find((t) => t.id === id)?.expiresIn ?? '24h'
    const key = await callSandbox<{ publicKey: string }>(target.apiUrl, 'GET', '/encryption-keys/current')
    const currentPassword = await encryptPayload(cashier.password, key.publicKey)
    successor = await callSandbox(target.apiUrl, 'POST', `/api-tokens/${encodeURIComponent(id)}/rotate`, { expiresIn: expiry, email: cashier.email, currentPassword })
  } else {
    successor = await withStoreFiles(target.dataDir, async (store) => {
      const rotated = await store.rotateToken(id, expiresIn)
      if (typeof rotated === 'string') {
        const refusal = rotateRefusal(rotated, id, store)
        throw new Error(`${refusal.code}: ${refusal.message}`)
      }
      return { ...(tokenSummary(store, rotated.token) as { id: string; label: string; expiresAt: string; replaces: string | null }), token: rotated.secret }
    })
  }
  return {
    token: successor.token,
    report: [
      `Rotated ${id}: its successor ${successor.id} (${JSON.stringify(successor.label)}) expires ${successor.expiresAt}.`,
      'The token is on standard output, shown once. Put it where your service reads its token; both work until you',
      `invalidate ${id} — do that once its last use (fincode-secure sandbox tokens) is behind you.`,
      '',
    ].join('\n'),
  }
}
