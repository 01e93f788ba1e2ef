// The sandbox's state in memory and on disk. Every change runs alone, in one
// queue: it edits a copy, the copy is written to disk, and only then does it
// become the state that requests read. So nothing is served or acknowledged
// before it is on disk, and no change can be made to a state another change
// is about to replace.
import { createHash, createPrivateKey, generateKeyPair, randomBytes, scrypt, timingSafeEqual, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { readState, sweepTempFiles, writeStateAtomic, type SandboxState, type StoredKey, type StoredToken, type TokenExpiry } from './state-file.js'

const generateKeyPairAsync = promisify(generateKeyPair)
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>

/** Every `TokenExpiry`, in the order the dashboard lists them. */
export const TOKEN_EXPIRIES: readonly TokenExpiry[] = Object.freeze(['24h', '1m', '3m', '6m', '12m'])
/** Retired keys kept for diagnosis; older ones are forgotten (their payloads then read as "not decryptable"). */
export const RETIRED_KEYS_KEPT = 16
/** lastUsedAt is written at most this often: one fsync per request would be the bottleneck. */
const TOUCH_FLUSH_MS = 1_000

export type TokenStatus = 'active' | 'expired' | 'invalidated'
/** Why a token cannot be rotated. */
export type RotateRefusal = 'TOKEN_NOT_FOUND' | 'TOKEN_ALREADY_INVALIDATED' | 'TOKEN_ALREADY_EXPIRED' | 'TOKEN_ALREADY_REPLACED'
/** A token is flagged as expiring soon within this long of its expiry… */
export const EXPIRING_SOON_MS = 7 * 24 * 3600_000
/** …and only in the last quarter of its lifetime (a 24-hour token is not flagged from birth). */
const EXPIRING_SOON_SHARE = 0.25
/** A token not presented for this long (by the sandbox's clock) is flagged as unused. */
export const UNUSED_MS = 30 * 24 * 3600_000

export type PinChange = { changedAt: string } | 'PIN_INCORRECT' | 'PIN_UNCHANGED'
export type TokenCheck = { ok: true; token: StoredToken } | { ok: false; code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED' }

export interface StoreOptions {
  dataDir: string
  now: () => number
  keyBits: number
  initialTransactionPin: string
}

const iso = (ms: number) => new Date(ms).toISOString()
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

/** Calendar months, as a person counts them: 31 January + 1 month is the last day of February, not 3 March. */
export function expiresAt(createdMs: number, expiresIn: TokenExpiry): number {
  if (expiresIn === '24h') return createdMs + 24 * 3600_000
  const months = Number(expiresIn.slice(0, -1))
  const date = new Date(createdMs)
  const target = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), target + 1, 0)).getUTCDate()
  date.setUTCDate(1)
  date.setUTCMonth(target)
  date.setUTCDate(Math.min(new Date(createdMs).getUTCDate(), lastDay))
  return date.getTime()
}

async function newKey(bits: number, now: number): Promise<StoredKey> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits })
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  return {
    id: `key_${randomBytes(6).toString('hex')}`,
    createdAt: iso(now),
    retiredAt: null,
    modulusLength: bits,
    publicKey: spki.toString('base64'),
    fingerprint: createHash('sha256').update(spki).digest('hex'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  }
}

async function hashPin(pin: string, salt = randomBytes(16)): Promise<{ salt: string; scrypt: string }> {
  return { salt: salt.toString('base64'), scrypt: (await scryptAsync(pin, salt, 32)).toString('base64') }
}

export class SandboxStore {
  /** What is on disk: the only state requests read. */
  private state: SandboxState
  private readonly keyObjects = new Map<string, KeyObject>()
  private readonly options: StoreOptions
  private queue: Promise<unknown> = Promise.resolve()
  /** lastUsedAt by token id: merged into the next write, not acknowledged to anyone. */
  private readonly lastUse = new Map<string, string>()
  private touchTimer: ReturnType<typeof setTimeout> | undefined

  private constructor(state: SandboxState, options: StoreOptions) {
    this.state = state
    this.options = options
  }

  /** Loads the data directory, or creates the organisation key pair on first start. The caller holds the directory's lock. */
  static async open(options: StoreOptions): Promise<SandboxStore> {
    await sweepTempFiles(options.dataDir)
    const existing = await readState(options.dataDir)
    if (existing) return new SandboxStore(existing, options)
    const now = options.now()
    const first: SandboxState = {
      format: 'fincode-sandbox-state',
      version: 1,
      currentKey: await newKey(options.keyBits, now),
      retiredKeys: [],
      tokens: [],
      transactionPin: { ...(await hashPin(options.initialTransactionPin)), changedAt: iso(now) },
    }
    await writeStateAtomic(options.dataDir, first)
    return new SandboxStore(first, options)
  }

  // ---- changes ------------------------------------------------------------

  /**
   * Runs `change` alone, on a copy of the state. When it returns `write: true`
   * the copy is written to disk and then replaces the state; the promise
   * resolves after that, so whatever the caller answers is already durable.
   */
  private commit<T>(change: (draft: SandboxState) => Promise<{ value: T; write: boolean }> | { value: T; write: boolean }): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.state)
      const { value, write } = await change(draft)
      if (write) {
        this.mergeLastUse(draft)
        await writeStateAtomic(this.options.dataDir, draft)
        this.state = draft
      }
      return value
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  private mergeLastUse(draft: SandboxState): void {
    for (const token of draft.tokens) {
      const used = this.lastUse.get(token.id)
      if (used && (token.lastUsedAt === null || used > token.lastUsedAt)) token.lastUsedAt = used
    }
  }

  /** Writes soon, without anyone waiting: for lastUsedAt. */
  private saveLater(): void {
    if (this.touchTimer) return
    this.touchTimer = setTimeout(() => {
      this.touchTimer = undefined
      this.commit(() => ({ value: undefined, write: true })).catch(() => undefined)
    }, TOUCH_FLUSH_MS)
    this.touchTimer.unref?.()
  }

  /** Waits for every change under way and writes what is pending; call before exit. */
  async flush(): Promise<void> {
    const touched = this.touchTimer !== undefined
    if (this.touchTimer) {
      clearTimeout(this.touchTimer)
      this.touchTimer = undefined
    }
    await this.commit(() => ({ value: undefined, write: touched }))
  }

  // ---- keys -------------------------------------------------------------

  get currentKey(): StoredKey {
    return this.state.currentKey
  }

  get retiredKeys(): readonly StoredKey[] {
    return this.state.retiredKeys
  }

  keyObject(key: StoredKey): KeyObject {
    let object = this.keyObjects.get(key.id)
    if (!object) {
      object = createPrivateKey(key.privateKeyPem)
      this.keyObjects.set(key.id, object)
    }
    return object
  }

  /** A new key pair becomes current once it is on disk; the old one is retired in the same write. */
  async rotateKey(): Promise<{ current: StoredKey; retired: StoredKey }> {
    // Generated outside the queue: other changes need not wait for the prime search.
    const next = await newKey(this.options.keyBits, this.options.now())
    const result = await this.commit((draft) => {
      const retired = { ...draft.currentKey, retiredAt: iso(this.options.now()) }
      draft.currentKey = next
      draft.retiredKeys = [retired, ...draft.retiredKeys].slice(0, RETIRED_KEYS_KEPT)
      return { value: { current: next, retired }, write: true }
    })
    const kept = new Set([this.state.currentKey.id, ...this.state.retiredKeys.map((k) => k.id)])
    for (const id of this.keyObjects.keys()) if (!kept.has(id)) this.keyObjects.delete(id)
    return result
  }

  // ---- API tokens -------------------------------------------------------

  tokenStatus(token: StoredToken): TokenStatus {
    if (token.invalidatedAt) return 'invalidated'
    return Date.parse(token.expiresAt) <= this.options.now() ? 'expired' : 'active'
  }

  get tokens(): readonly StoredToken[] {
    return this.state.tokens
  }

  /** When the token was last presented: possibly newer than the last write. */
  lastUsedAt(token: StoredToken): string | null {
    return this.lastUse.get(token.id) ?? token.lastUsedAt
  }

  private activeWithLabel(state: SandboxState, label: string): StoredToken | undefined {
    return state.tokens.find((t) => t.label === label && this.tokenStatus(t) === 'active')
  }

  /**
   * Creates a token; the returned secret exists nowhere else once the response is sent.
   * With `uniqueLabel`, a label that an active token has is refused inside the same
   * step (two creates racing for one label cannot both win).
   */
  createToken(label: string, expiresIn: TokenExpiry, uniqueLabel = false): Promise<{ secret: string; token: StoredToken } | 'LABEL_TAKEN'> {
    return this.commit<{ secret: string; token: StoredToken } | 'LABEL_TAKEN'>((draft) => {
      if (uniqueLabel && this.activeWithLabel(draft, label)) return { value: 'LABEL_TAKEN' as const, write: false }
      const created = this.newToken(label, expiresIn, null)
      draft.tokens.push(created.token)
      return { value: created, write: true }
    })
  }

  private newToken(label: string, expiresIn: TokenExpiry, replaces: string | null): { secret: string; token: StoredToken } {
    const secret = `fcs_${randomBytes(32).toString('base64url')}`
    const now = this.options.now()
    const token: StoredToken = {
      id: `tok_${randomBytes(6).toString('hex')}`,
      label,
      expiresIn,
      createdAt: iso(now),
      expiresAt: iso(expiresAt(now, expiresIn)),
      lastUsedAt: null,
      invalidatedAt: null,
      replacedBy: null,
      replaces,
      tokenSha256: sha256Hex(secret),
    }
    return { secret, token }
  }

  /**
   * Makes a successor for an active token: same label, its own expiry. The old
   * token gets `replacedBy` and keeps working until it is invalidated or expires,
   * so a service can switch over without an interruption. Refused for a token
   * that is invalidated, expired or already replaced (checked in the same step).
   */
  rotateToken(id: string, expiresIn?: TokenExpiry): Promise<{ secret: string; token: StoredToken } | RotateRefusal> {
    return this.commit<{ secret: string; token: StoredToken } | RotateRefusal>((draft) => {
      const old = draft.tokens.find((t) => t.id === id)
      if (!old) return { value: 'TOKEN_NOT_FOUND', write: false }
      const status = this.tokenStatus(old)
      if (status === 'invalidated') return { value: 'TOKEN_ALREADY_INVALIDATED', write: false }
      if (status === 'expired') return { value: 'TOKEN_ALREADY_EXPIRED', write: false }
      if (old.replacedBy) return { value: 'TOKEN_ALREADY_REPLACED', write: false }
      const successor = this.newToken(old.label, expiresIn ?? old.expiresIn, old.id)
      old.replacedBy = successor.token.id
      draft.tokens.push(successor.token)
      return { value: successor, write: true }
    })
  }

  /** Active tokens near their end, and active tokens nobody has presented for a month. */
  tokenFlags(token: StoredToken): { expiringSoon: boolean; unusedFor30Days: boolean } {
    if (this.tokenStatus(token) !== 'active') return { expiringSoon: false, unusedFor30Days: false }
    const now = this.options.now()
    const end = Date.parse(token.expiresAt)
    const lifetime = end - Date.parse(token.createdAt)
    const left = end - now
    const lastSeen = Date.parse(this.lastUsedAt(token) ?? token.createdAt)
    return { expiringSoon: left <= EXPIRING_SOON_MS && left <= lifetime * EXPIRING_SOON_SHARE, unusedFor30Days: now - lastSeen >= UNUSED_MS }
  }

  invalidateToken(id: string): Promise<StoredToken | undefined> {
    return this.commit((draft) => {
      const token = draft.tokens.find((t) => t.id === id)
      if (!token) return { value: undefined, write: false }
      if (token.invalidatedAt) return { value: token, write: false }
      token.invalidatedAt = iso(this.options.now())
      return { value: token, write: true }
    })
  }

  /** Looks a presented token up by its hash and says why it is refused, if it is. */
  checkToken(secret: string): TokenCheck {
    const hash = sha256Hex(secret)
    const token = this.state.tokens.find((t) => t.tokenSha256 === hash)
    if (!token) return { ok: false, code: 'TOKEN_INVALID' }
    const status = this.tokenStatus(token)
    if (status === 'invalidated') return { ok: false, code: 'TOKEN_REVOKED' }
    if (status === 'expired') return { ok: false, code: 'TOKEN_EXPIRED' }
    this.lastUse.set(token.id, iso(this.options.now()))
    this.saveLater()
    return { ok: true, token }
  }

  // ---- the cashier's transaction PIN -----------------------------------

  /** Checks the current PIN and sets the new one in one step of the queue, so nothing can interleave. */
  changePin(current: string, next: string): Promise<PinChange> {
    return this.commit<PinChange>(async (draft) => {
      const { salt, scrypt: expected } = draft.transactionPin
      const actual = await hashPin(current, Buffer.from(salt, 'base64'))
      if (!timingSafeEqual(Buffer.from(actual.scrypt, 'base64'), Buffer.from(expected, 'base64'))) return { value: 'PIN_INCORRECT' as const, write: false }
      if (current === next) return { value: 'PIN_UNCHANGED' as const, write: false }
      const changedAt = iso(this.options.now())
      draft.transactionPin = { ...(await hashPin(next)), changedAt }
      return { value: { changedAt }, write: true }
    })
  }
}
