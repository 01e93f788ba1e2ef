// The sandbox's HTTP API under /api/v6 (documented in the README, "HTTP API").
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { decryptSensitiveFields, requireDecrypted, type FieldVerdict } from './decrypt-fields.js'
import { header, readJsonObject, SandboxHttpError, sendError, sendJson } from './http.js'
import type { StoredKey, StoredToken, TokenExpiry } from './state-file.js'
import { TOKEN_EXPIRIES, type RotateRefusal, type SandboxStore } from './store.js'

export const API_ROOT = '/api/v6'

export interface RouteContext {
  store: SandboxStore
  cashier: { email: string; password: string }
  allowedOrigins: ReadonlySet<string>
  log: (line: string) => void
}

type Handler = (req: IncomingMessage, ctx: RouteContext, params: string[]) => Promise<[status: number, body: unknown]>

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export const keySummary = (k: StoredKey) => ({
  id: k.id,
  algorithm: 'RSA-OAEP-256',
  publicKey: k.publicKey,
  fingerprint: k.fingerprint,
  modulusLength: k.modulusLength,
  createdAt: k.createdAt,
})
const retiredSummary = (k: StoredKey) => ({ id: k.id, fingerprint: k.fingerprint, modulusLength: k.modulusLength, createdAt: k.createdAt, retiredAt: k.retiredAt })
export const tokenSummary = (store: SandboxStore, t: StoredToken) => ({
  id: t.id,
  label: t.label,
  expiresIn: t.expiresIn,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  lastUsedAt: store.lastUsedAt(t),
  invalidatedAt: t.invalidatedAt,
  status: store.tokenStatus(t),
  replacedBy: t.replacedBy,
  replaces: t.replaces,
  ...store.tokenFlags(t),
})

const TOKEN_NOTICE = 'This token is shown once. Store it in your secret manager now; the sandbox keeps only its SHA-256.'

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest()
const sameSecret = (a: string, b: string) => timingSafeEqual(sha256(a), sha256(b))

function requireString(body: Record<string, unknown>, name: string, what: string): string {
  const value = body[name]
  if (typeof value !== 'string' || value.trim() === '') throw new SandboxHttpError(400, 'FIELD_MISSING', `${name} is required: ${what}.`, { field: name })
  return value
}

// ---- services: API-token authenticated -------------------------------------

/** X-Auth-Token, platform and uuid, as every /services call needs them. */
function authenticate(req: IncomingMessage, store: SandboxStore): StoredToken {
  const token = header(req, 'x-auth-token')
  if (!token) throw new SandboxHttpError(401, 'TOKEN_MISSING', 'The X-Auth-Token header is missing; send the API token created in Settings → API Connections → API Tokens.')
  const check = store.checkToken(token)
  if (!check.ok) {
    const why = { TOKEN_INVALID: 'is not a token of this organisation', TOKEN_EXPIRED: 'has expired', TOKEN_REVOKED: 'has been invalidated' }[check.code]
    throw new SandboxHttpError(401, check.code, `The API token ${why}; create a new one in Settings → API Connections → API Tokens.`)
  }
  for (const name of ['platform', 'uuid']) {
    if (!header(req, name)) throw new SandboxHttpError(400, 'HEADER_MISSING', `The ${name} header is required on every services call.`, { header: name })
  }
  return check.token
}

const verifyFields: Handler = async (req, { store }) => {
  authenticate(req, store)
  const body = await readJsonObject(req)
  const { verdicts, plaintexts } = decryptSensitiveFields(store, body)
  plaintexts.clear()
  requireDecrypted(verdicts)
  return [200, { fields: verdicts }]
}

const changePin: Handler = async (req, { store }) => {
  authenticate(req, store)
  const body = await readJsonObject(req)
  requireString(body, 'userPin', 'the current transaction PIN, encrypted')
  requireString(body, 'transactionPin', 'the new transaction PIN, encrypted')
  const confirmation = body['confirmation'] as Record<string, unknown> | undefined
  if (typeof confirmation !== 'object' || confirmation === null || typeof confirmation['transactionPin'] !== 'string') {
    throw new SandboxHttpError(400, 'FIELD_MISSING', 'confirmation.transactionPin is required: the new transaction PIN typed again, encrypted.', { field: 'confirmation.transactionPin' })
  }
  const { verdicts, plaintexts } = decryptSensitiveFields(store, body)
  try {
    requireDecrypted(verdicts)
    const current = plaintexts.get('userPin')!
    const next = plaintexts.get('transactionPin')!
    const fields = { fields: verdicts }
    if (!/^[0-9]{4,12}$/.test(next)) throw new SandboxHttpError(422, 'PIN_FORMAT_INVALID', 'The new transaction PIN must be 4 to 12 digits.', fields)
    if (next !== plaintexts.get('confirmation.transactionPin')) {
      throw new SandboxHttpError(422, 'PIN_CONFIRMATION_MISMATCH', 'The new transaction PIN and its confirmation differ.', fields)
    }
    const result = await store.changePin(current, next)
    if (result === 'PIN_INCORRECT') throw new SandboxHttpError(403, 'PIN_INCORRECT', 'The current transaction PIN is not correct.', fields)
    if (result === 'PIN_UNCHANGED') throw new SandboxHttpError(422, 'PIN_UNCHANGED', 'The new transaction PIN is the current one.', fields)
    return [200, { changed: true, changedAt: result.changedAt, fields: verdicts }]
  } finally {
    plaintexts.clear()
  }
}

// ---- dashboard: Settings → API Connections ---------------------------------

/**
 * Every wrong cashier credential is answered after the same pause, as a real
 * sign-in service would slow guessing down. The sandbox listens on loopback
 * only and prints its default password; this is for realism, not secrecy.
 */
export const CASHIER_REFUSAL_DELAY_MS = 400

async function refuseCashier(verdicts: FieldVerdict[]): Promise<never> {
  await new Promise((done) => setTimeout(done, CASHIER_REFUSAL_DELAY_MS))
  throw new SandboxHttpError(403, 'CASHIER_CREDENTIALS_INVALID', "The cashier's email or password is not correct.", { fields: verdicts })
}

const getKeys: Handler = async (_req, { store }) => [200, { current: keySummary(store.currentKey), retired: store.retiredKeys.map(retiredSummary) }]

const getCurrentKey: Handler = async (_req, { store }) => [200, keySummary(store.currentKey)]

const rotateKey: Handler = async (req, { store }) => {
  await readJsonObject(req)
  const { current, retired } = await store.rotateKey()
  return [201, { current: keySummary(current), retired: retiredSummary(retired) }]
}

const listTokens: Handler = async (_req, { store }) => [200, { tokens: store.tokens.map((t) => tokenSummary(store, t)) }]

const createToken: Handler = async (req, { store, cashier }) => {
  const body = await readJsonObject(req)
  const rawLabel = requireString(body, 'label', 'the name of the service this token is for')
  const label = rawLabel.trim()
  if (label.length > 64 || /[\u0000-\u001f\u007f]/.test(label)) throw new SandboxHttpError(400, 'LABEL_INVALID', 'label must be at most 64 characters without control characters.')
  const expiresIn = requireExpiry(body)
  await requireCashier(body, store, cashier)
  const created = await store.createToken(label, expiresIn, true)
  if (created === 'LABEL_TAKEN') {
    throw new SandboxHttpError(
      409,
      'LABEL_TAKEN',
      `An active token is already labelled "${label}"; rotate it (POST /api-tokens/{id}/rotate) to replace it without an interruption, invalidate it, or choose another label (one token per service).`,
    )
  }
  const { secret, token } = created
  return [201, { ...tokenSummary(store, token), token: secret, notice: TOKEN_NOTICE }]
}

/** The refusals of a token rotation, as HTTP errors; shared with the in-process handle. */
export function rotateRefusal(code: RotateRefusal, id: string, store: SandboxStore): SandboxHttpError {
  const token = store.tokens.find((t) => t.id === id)
  switch (code) {
    case 'TOKEN_NOT_FOUND':
      return new SandboxHttpError(404, code, `No API token has the id ${JSON.stringify(id)}.`)
    case 'TOKEN_ALREADY_INVALIDATED':
      return new SandboxHttpError(409, code, `Token ${id} has been invalidated; create a new token for "${token?.label ?? ''}" instead.`)
    case 'TOKEN_ALREADY_EXPIRED':
      return new SandboxHttpError(409, code, `Token ${id} has expired; create a new token for "${token?.label ?? ''}" instead.`)
    case 'TOKEN_ALREADY_REPLACED':
      return new SandboxHttpError(409, code, `Token ${id} was already rotated: its successor is ${token?.replacedBy ?? ''}. Rotate the successor, or invalidate ${id} once its last use is behind you.`, {
        replacedBy: token?.replacedBy,
      })
  }
}

/** Checks the cashier's email and encrypted password in a body, as create and rotate need them. */
async function requireCashier(body: Record<string, unknown>, store: SandboxStore, cashier: RouteContext['cashier']): Promise<void> {
  const email = requireString(body, 'email', "the cashier's email")
  requireString(body, 'currentPassword', "the cashier's password, encrypted with the organisation key")
  const { verdicts, plaintexts } = decryptSensitiveFields(store, body)
  try {
    requireDecrypted(verdicts)
    const password = plaintexts.get('currentPassword')
    // Both compared, always, so the answer does not say which one was wrong.
    const emailOk = sameSecret(email.trim().toLowerCase(), cashier.email.toLowerCase())
    const passwordOk = password !== undefined && sameSecret(password, cashier.password)
    if (!emailOk || !passwordOk) await refuseCashier(verdicts)
  } finally {
    plaintexts.clear()
  }
}

function requireExpiry(body: Record<string, unknown>): TokenExpiry {
  const expiresIn = body['expiresIn']
  if (!TOKEN_EXPIRIES.includes(expiresIn as TokenExpiry)) {
    throw new SandboxHttpError(400, 'EXPIRY_INVALID', `expiresIn must be one of ${TOKEN_EXPIRIES.join(', ')} (24 hours, 1, 3, 6 or 12 months).`)
  }
  return expiresIn as TokenExpiry
}

/** A successor for a token, answered like a create plus `replaces`; the old token keeps working. */
const rotateToken: Handler = async (req, { store, cashier }, [id]) => {
  const body = await readJsonObject(req)
  const expiresIn = requireExpiry(body)
  await requireCashier(body, store, cashier)
  const rotated = await store.rotateToken(id!, expiresIn)
  if (typeof rotated === 'string') throw rotateRefusal(rotated, id!, store)
  return [201, { ...tokenSummary(store, rotated.token), token: rotated.secret, notice: TOKEN_NOTICE, replaces: id }]
}

const invalidateToken: Handler = async (req, { store }, [id]) => {
  await readJsonObject(req)
  const token = await store.invalidateToken(id!)
  if (!token) throw new SandboxHttpError(404, 'TOKEN_NOT_FOUND', `No API token has the id ${JSON.stringify(id)}.`)
  return [200, tokenSummary(store, token)]
}

const ROUTES: [method: string, pattern: RegExp, handler: Handler][] = [
  ['GET', /^\/encryption-keys$/, getKeys],
  ['GET', /^\/encryption-keys\/current$/, getCurrentKey],
  ['POST', /^\/encryption-keys\/rotate$/, rotateKey],
  ['GET', /^\/api-tokens$/, listTokens],
  ['POST', /^\/api-tokens$/, createToken],
  ['DELETE', /^\/api-tokens\/([^/]+)$/, invalidateToken],
  ['POST', /^\/api-tokens\/([^/]+)\/rotate$/, rotateToken],
  ['POST', /^\/services\/verify-fields$/, verifyFields],
  ['POST', /^\/services\/change-pin$/, changePin],
]

function hostname(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return
  try {
    return new URL(`http://${hostHeader}`).hostname
  } catch {
    return
  }
}

/** Origins that may call: the sandbox's own, and those configured for a demo page. */
function checkOrigin(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): boolean {
  const origin = header(req, 'origin')
  if (!origin) return true
  if (ctx.allowedOrigins.has(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin)
    res.setHeader('Vary', 'Origin')
    return true
  }
  return origin === `http://${req.headers.host}`
}

export function createHandler(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now()
    const method = req.method ?? 'GET'
    const path = (req.url ?? '/').split('?')[0]!
    res.on('finish', () => ctx.log(`${method} ${path} ${res.statusCode} ${Date.now() - started}ms`))
    handle(req, res, ctx, method, path).catch((error: unknown) => {
      const known = error instanceof SandboxHttpError
      if (!known) ctx.log(`internal error on ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`)
      if (res.headersSent) return void res.destroy()
      sendError(res, known ? error : new SandboxHttpError(500, 'INTERNAL_ERROR', 'The sandbox failed; see its log.'))
    })
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, method: string, path: string): Promise<void> {
  // A web page elsewhere must not drive a local service: no foreign Host (DNS
  // rebinding), no foreign Origin (CSRF), JSON content type on writes (forces a CORS preflight).
  if (!LOOPBACK.has(hostname(req.headers.host) ?? '')) throw new SandboxHttpError(403, 'HOST_FORBIDDEN', 'The sandbox answers only to localhost, 127.0.0.1 and [::1].')
  if (!checkOrigin(req, res, ctx)) throw new SandboxHttpError(403, 'ORIGIN_FORBIDDEN', 'This origin may not call the sandbox; start it with allowedOrigins to let a page call it.')
  if (method === 'OPTIONS') {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, POST, DELETE',
      'Access-Control-Allow-Headers': 'Content-Type, X-Auth-Token, platform, uuid',
      'Access-Control-Max-Age': '600',
    })
    return void res.end()
  }
  if (!path.startsWith(`${API_ROOT}/`)) throw new SandboxHttpError(404, 'NOT_FOUND', `Nothing here; the API is under ${API_ROOT}.`)
  const rest = path.slice(API_ROOT.length)
  const matches = ROUTES.filter(([, pattern]) => pattern.test(rest))
  // Unknown services paths still need a valid token: nothing is learned without one.
  if (matches.length === 0 && rest.startsWith('/services/')) authenticate(req, ctx.store)
  if (matches.length === 0) throw new SandboxHttpError(404, 'NOT_FOUND', `No endpoint ${rest}; see the sandbox's documentation for the list.`)
  const route = matches.find(([m]) => m === method)
  if (!route) throw new SandboxHttpError(405, 'METHOD_NOT_ALLOWED', `${rest} accepts ${matches.map(([m]) => m).join(', ')}.`)
  if (WRITE_METHODS.has(method) && !/^application\/json\b/i.test(header(req, 'content-type') ?? '')) {
    throw new SandboxHttpError(415, 'CONTENT_TYPE_INVALID', 'Send Content-Type: application/json.')
  }
  const [status, body] = await route[2](req, ctx, route[1].exec(rest)!.slice(1))
  sendJson(res, status, body)
}
