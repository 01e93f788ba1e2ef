// fincode-secure/sandbox: the FinCode side in miniature, on the loopback
// interface only. Node only (node:http, node:crypto, node:fs).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { API_ROOT, createHandler, keySummary, rotateRefusal, tokenSummary } from './routes.js'
import { acquireLock } from './lock.js'
import { makePrivateDirectory, type StoredToken, type TokenExpiry } from './state-file.js'
import { SandboxStore } from './store.js'

export { oaepDecode, oaepDecrypt, oaepDecryptAnyVariant, rsaPrivateRaw, type Mgf1Hash, type OaepVariant } from './oaep-decrypt.js'
export type { FieldVerdict } from './decrypt-fields.js'
export { SandboxStartError, type TokenExpiry } from './state-file.js'
export { SandboxHttpError } from './http.js'
export { LOCK_FILE, type LockOwner } from './lock.js'
export { TOKEN_EXPIRIES } from './store.js'

/** The cashier the sandbox knows, unless `cashier` says otherwise. Documented for the demo; not a secret. */
export const DEFAULT_CASHIER = Object.freeze({ email: 'cashier@example.com', password: 'sandbox-password' })
/** The transaction PIN on first start, unless `transactionPin` says otherwise. */
export const DEFAULT_TRANSACTION_PIN = '0000'

/** Options of `startSandbox`; every one has a default. */
export interface SandboxOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number
  /** Loopback only: '127.0.0.1' (default), 'localhost' or '::1'. */
  host?: '127.0.0.1' | 'localhost' | '::1'
  /**
   * Where the key pairs and token hashes live; default '.fincode-sandbox' (as for `npm run demo`).
   * One process per directory: a second start on a directory a live sandbox holds is refused
   * (SandboxStartError, code SANDBOX_DATA_DIR_IN_USE) with that process's pid and URL.
   */
  dataDir?: string
  /** The cashier whose email and password create API tokens. */
  cashier?: { email: string; password: string }
  /** The transaction PIN set on first start (digits). */
  transactionPin?: string
  /** Origins (e.g. 'http://localhost:5173') whose pages may call the sandbox directly. */
  allowedOrigins?: readonly string[]
  /** The clock, in ms since the epoch; tests move it to expire tokens. */
  now?: () => number
  /** Size of generated keys; default 2048. */
  keyBits?: 2048 | 3072 | 4096
  /** One line per request and per problem; never a token or plaintext. Default: silent. */
  log?: (line: string) => void
}

/** The organisation's current encryption key, as `GET /encryption-keys/current` describes it. */
export interface SandboxKey {
  /** The key's identifier in the sandbox. */
  id: string
  /** What FinCode calls the encryption: RSA-OAEP with SHA-256. */
  algorithm: 'RSA-OAEP-256'
  /** Base64 SPKI DER, as the dashboard shows it. */
  publicKey: string
  /** Lowercase hex SHA-256 of the SPKI DER, as `FincodePublicKey.fingerprint`. */
  fingerprint: string
  /** Key size in bits (2048 unless `keyBits` says otherwise). */
  modulusLength: number
  /** When the key was generated, as an ISO 8601 date. */
  createdAt: string
}

/** A token as the sandbox lists it: the stored record without its hash, plus its status and flags now. */
export type SandboxToken = Omit<StoredToken, 'tokenSha256'> & {
  status: 'active' | 'expired' | 'invalidated'
  /** Active, expiring within 7 days, and in the last quarter of its lifetime: plan the rotation. */
  expiringSoon: boolean
  /** Active and not presented for 30 days (by the sandbox's clock): a candidate for invalidation. */
  unusedFor30Days: boolean
}

/** A running sandbox, from `startSandbox`. */
export interface Sandbox {
  /** http://127.0.0.1:PORT */
  readonly url: string
  /** url + '/api/v6': the `baseUrl` for createFincodeClient. */
  readonly apiUrl: string
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number
  /** Absolute path of the data directory. */
  readonly dataDir: string
  /** The current organisation key. */
  currentKey(): SandboxKey
  /** Same as POST /encryption-keys/rotate. */
  rotateKey(): Promise<SandboxKey>
  /** Creates a token without the cashier's credentials: for tests and scripts in the same process. */
  createToken(label: string, expiresIn?: TokenExpiry): Promise<{ token: string } & SandboxToken>
  /**
   * Same as POST /api-tokens/{id}/rotate, without the cashier's credentials: a successor with the same
   * label (and, unless given, the same expiry period); the old token keeps working until it is invalidated.
   * Rejects with a SandboxHttpError: TOKEN_NOT_FOUND, TOKEN_ALREADY_INVALIDATED, TOKEN_ALREADY_EXPIRED or TOKEN_ALREADY_REPLACED.
   */
  rotateToken(id: string, expiresIn?: TokenExpiry): Promise<{ token: string; replaces: string } & SandboxToken>
  /** Same as DELETE /api-tokens/{id}: the token is refused from the next request on. `undefined` for an unknown id. */
  invalidateToken(id: string): Promise<SandboxToken | undefined>
  /** Same as GET /api-tokens: every token without its secret, with its status now. */
  listTokens(): SandboxToken[]
  /** Stops listening, closes open connections, writes pending state and releases the data directory. */
  close(): Promise<void>
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1'])
const KEY_SIZES = new Set<number>([2048, 3072, 4096])

/**
 * Starts FinCode's side in miniature on the loopback interface: the organisation's key pair (generated on first
 * start and kept in `dataDir`), API tokens, and services endpoints that decrypt and report each sensitive field.
 * Node only. A development stand-in: never expose it beyond 127.0.0.1 or use it with real credentials.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox({ port: 0, dataDir: '.fincode-sandbox' })
 * const { token } = await sandbox.createToken('my-service', '24h')
 * // createFincodeClient({ baseUrl: sandbox.apiUrl, token, publicKey: sandbox.currentKey().publicKey, uuid: 'dev' })
 * await sandbox.close()
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1'
  if (!LOOPBACK_HOSTS.has(host)) throw new TypeError(`host must be 127.0.0.1, localhost or ::1: the sandbox holds private keys and must not be reachable from the network (got ${JSON.stringify(host)}).`)
  const port = options.port ?? 8787
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`port must be an integer from 0 to 65535, got ${String(port)}.`)
  const cashier = options.cashier ?? DEFAULT_CASHIER
  if (!cashier.email || !cashier.password) throw new TypeError('cashier needs a non-empty email and password.')
  const transactionPin = options.transactionPin ?? DEFAULT_TRANSACTION_PIN
  if (!/^[0-9]{4,12}$/.test(transactionPin)) throw new TypeError('transactionPin must be 4 to 12 digits.')
  const dataDir = resolve(options.dataDir ?? '.fincode-sandbox')
  const keyBits = options.keyBits ?? 2048
  // Smaller keys are refused by the library itself; larger ones take minutes to generate.
  if (!KEY_SIZES.has(keyBits)) throw new TypeError(`keyBits must be 2048, 3072 or 4096, got ${String(keyBits)}.`)
  const now = options.now ?? Date.now
  const log = options.log ?? (() => {})

  await makePrivateDirectory(dataDir)
  const lock = await acquireLock(dataDir)
  let server: Server | undefined
  let store: SandboxStore
  let url: string
  try {
    store = await SandboxStore.open({ dataDir, now, keyBits, initialTransactionPin: transactionPin })
    const opened = (server = createServer(createHandler({ store, cashier, allowedOrigins: new Set(options.allowedOrigins ?? []), log })))
    opened.keepAliveTimeout = 5_000
    await new Promise<void>((done, fail) => {
      opened.once('error', fail)
      opened.listen(port, host, () => {
        opened.off('error', fail)
        done()
      })
    })
    url = `http://${host === '::1' ? '[::1]' : host}:${(opened.address() as AddressInfo).port}`
    await lock.setUrl(url + API_ROOT)
  } catch (error) {
    server?.close()
    await lock.release()
    throw error
  }
  const listening = server
  const actualPort = (listening.address() as AddressInfo).port
  log(`sandbox listening on ${url}${API_ROOT} (data in ${dataDir})`)

  let closing: Promise<void> | undefined
  return Object.freeze({
    url,
    apiUrl: url + API_ROOT,
    port: actualPort,
    dataDir,
    currentKey: () => keySummary(store.currentKey) as SandboxKey,
    rotateKey: async () => keySummary((await store.rotateKey()).current) as SandboxKey,
    createToken: async (label: string, expiresIn: TokenExpiry = '24h') => {
      const { secret, token } = (await store.createToken(label, expiresIn)) as { secret: string; token: StoredToken }
      return { ...(tokenSummary(store, token) as SandboxToken), token: secret }
    },
    rotateToken: async (id: string, expiresIn?: TokenExpiry) => {
      const rotated = await store.rotateToken(id, expiresIn)
      if (typeof rotated === 'string') throw rotateRefusal(rotated, id, store)
      return { ...(tokenSummary(store, rotated.token) as SandboxToken), token: rotated.secret, replaces: id }
    },
    invalidateToken: async (id: string) => {
      const token = await store.invalidateToken(id)
      return token && (tokenSummary(store, token) as SandboxToken)
    },
    listTokens: () => store.tokens.map((t) => tokenSummary(store, t) as SandboxToken),
    close: () =>
      (closing ??= new Promise<void>((done) => {
        listening.close(() => done())
        listening.closeAllConnections()
      })
        .then(() => store.flush())
        .finally(() => lock.release())),
  })
}
