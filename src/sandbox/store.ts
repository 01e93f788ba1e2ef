// The sandbox's state in memory, with every change written to disk through one
// queue. Changes that answer with a secret or a key (rotate, create a token)
// resolve only once a write that includes them has finished.
import { createHash, createPrivateKey, generateKeyPair, randomBytes, scrypt, timingSafeEqual, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { prepareDirectory, readState, writeStateAtomic, type SandboxState, type StoredKey, type StoredToken, type TokenExpiry } from './state-file.js'

const generateKeyPairAsync = promisify(generateKeyPair)
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>

/** Every `TokenExpiry`, in the order the dashboard lists them. */
export const TOKEN_EXPIRIES: readonly TokenExpiry[] = Object.freeze(['24h', '1m', '3m', '6m', '12m'])
/** Retired keys kept for diagnosis; older ones are forgotten (their payloads then read as "not decryptable"). */
export const RETIRED_KEYS_KEPT = 16
/** lastUsedAt is written at most this often: one fsync per request would be the bottleneck. */
const TOUCH_FLUSH_MS = 1_000

export type TokenStatus = 'active' | 'expired' | 'invalidated'
export type TokenCheck = { ok: true; token: StoredToken } | { ok: false; code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED' }

export interface StoreOptions {
  dataDir: string
  now: () => number
  keyBits: number
  initialTransactionPin: string
}

const iso = (ms: number) => new Date(ms).toISOString()
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

export function expiresAt(createdMs: number, expiresIn: TokenExpiry): number {
  if (expiresIn === '24h') return createdMs + 24 * 3600_000
  const months = Number(expiresIn.slice(0, -1))
  const date = new Date(createdMs)
  date.setUTCMonth(date.getUTCMonth() + months)
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
  private state: SandboxState
  private readonly keyObjects = new Map<string, KeyObject>()
  private readonly options: StoreOptions
  private pendingWrite: Promise<void> | undefined
  private writeChain: Promise<void> = Promise.resolve()
  private touchTimer: ReturnType<typeof setTimeout> | undefined
  private rotation: Promise<unknown> = Promise.resolve()
  private pinChange: Promise<unknown> = Promise.resolve()

  private constructor(state: SandboxState, options: StoreOptions) {
    this.state = state
    this.options = options
  }

  /** Loads the data directory, or creates the organisation key pair on first start. */
  static async open(options: StoreOptions): Promise<SandboxStore> {
    await prepareDirectory(options.dataDir)
    const existing = await readState(options.dataDir)
    if (existing) return new SandboxStore(existing, options)
    const now = options.now()
    const store = new SandboxStore(
      {
        format: 'fincode-sandbox-state',
        version: 1,
        currentKey: await newKey(options.keyBits, now),
        retiredKeys: [],
        tokens: [],
        transactionPin: { ...(await hashPin(options.initialTransactionPin)), changedAt: iso(now) },
      },
      options,
    )
    await store.save()
    return store
  }

  // ---- persistence ------------------------------------------------------

  /** Resolves when a write that started after this call (so includes every change made before it) is on disk. */
  save(): Promise<void> {
    if (!this.pendingWrite) {
      const write = this.writeChain.then(() => {
        this.pendingWrite = undefined
        // Snapshot at the moment the write starts: later changes get the next write.
        return writeStateAtomic(this.options.dataDir, structuredClone(this.state))
      })
      this.pendingWrite = write
      this.writeChain = write.catch(() => undefined)
    }
    return this.pendingWrite
  }

  /** Writes soon, without anyone waiting: for lastUsedAt. */
  private saveLater(): void {
    if (this.touchTimer) return
    this.touchTimer = setTimeout(() => {
      this.touchTimer = undefined
      this.save().catch(() => undefined)
    }, TOUCH_FLUSH_MS)
    this.touchTimer.unref?.()
  }

  /** Writes everything still pending; call before exit. */
  async flush(): Promise<void> {
    if (this.touchTimer) {
      clearTimeout(this.touchTimer)
      this.touchTimer = undefined
    }
    await this.rotation.catch(() => undefined)
    await this.save()
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

  /** A new key pair becomes current; the old one is retired at once. Rotations run one at a time. */
  rotateKey(): Promise<{ current: StoredKey; retired: StoredKey }> {
    const run = this.rotation.catch(() => undefined).then(async () => {
      const next = await newKey(this.options.keyBits, this.options.now())
      const retired = { ...this.state.currentKey, retiredAt: iso(this.options.now()) }
      const dropped = [retired, ...this.state.retiredKeys].slice(RETIRED_KEYS_KEPT)
      for (const k of dropped) this.keyObjects.delete(k.id)
      this.state = { ...this.state, currentKey: next, retiredKeys: [retired, ...this.state.retiredKeys].slice(0, RETIRED_KEYS_KEPT) }
      await this.save()
      return { current: next, retired }
    })
    this.rotation = run
    return run
  }

  // ---- API tokens -------------------------------------------------------

  tokenStatus(token: StoredToken): TokenStatus {
    if (token.invalidatedAt) return 'invalidated'
    return Date.parse(token.expiresAt) <= this.options.now() ? 'expired' : 'active'
  }

  get tokens(): readonly StoredToken[] {
    return this.state.tokens
  }

  activeTokenWithLabel(label: string): StoredToken | undefined {
    return this.state.tokens.find((t) => t.label === label && this.tokenStatus(t) === 'active')
  }

  /** Creates a token; the returned secret exists nowhere else once the response is sent. */
  async createToken(label: string, expiresIn: TokenExpiry): Promise<{ secret: string; token: StoredToken }> {
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
      tokenSha256: sha256Hex(secret),
    }
    this.state.tokens = [...this.state.tokens, token]
    await this.save()
    return { secret, token }
  }

  async invalidateToken(id: string): Promise<StoredToken | undefined> {
    const token = this.state.tokens.find((t) => t.id === id)
    if (!token) return undefined
    if (!token.invalidatedAt) {
      token.invalidatedAt = iso(this.options.now())
      await this.save()
    }
    return token
  }

  /** Looks a presented token up by its hash and says why it is refused, if it is. */
  checkToken(secret: string): TokenCheck {
    const hash = sha256Hex(secret)
    const token = this.state.tokens.find((t) => t.tokenSha256 === hash)
    if (!token) return { ok: false, code: 'TOKEN_INVALID' }
    const status = this.tokenStatus(token)
    if (status === 'invalidated') return { ok: false, code: 'TOKEN_REVOKED' }
    if (status === 'expired') return { ok: false, code: 'TOKEN_EXPIRED' }
    token.lastUsedAt = iso(this.options.now())
    this.saveLater()
    return { ok: true, token }
  }

  // ---- the cashier's transaction PIN -----------------------------------

  private async pinMatches(pin: string): Promise<boolean> {
    const { salt, scrypt: expected } = this.state.transactionPin
    const actual = await hashPin(pin, Buffer.from(salt, 'base64'))
    return timingSafeEqual(Buffer.from(actual.scrypt, 'base64'), Buffer.from(expected, 'base64'))
  }

  /** Checks the current PIN and sets the new one; one change at a time, so check-then-set cannot interleave. */
  changePin(current: string, next: string): Promise<{ changedAt: string } | 'PIN_INCORRECT' | 'PIN_UNCHANGED'> {
    const run = this.pinChange.then(async () => {
      if (!(await this.pinMatches(current))) return 'PIN_INCORRECT' as const
      if (current === next) return 'PIN_UNCHANGED' as const
      const changedAt = iso(this.options.now())
      this.state.transactionPin = { ...(await hashPin(next)), changedAt }
      await this.save()
      return { changedAt }
    })
    this.pinChange = run.catch(() => undefined)
    return run
  }
}
