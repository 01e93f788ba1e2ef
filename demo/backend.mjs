// The demo's own backend: what a merchant's server does between its pages and
// FinCode. It holds the API token (the page never sees it) and calls the
// sandbox's services with fincode-secure/server. The Settings pages stand in
// for FinCode's dashboard, so their routes are passed through to the sandbox's
// dashboard endpoints.
import { createFincodeClient, isFincodeApiError, isFincodeSecureError } from 'fincode-secure/server'
import { isLoopbackHost } from './src/loopback.mjs'

/** The label of the token this server creates for itself at start. */
export const BACKEND_TOKEN_LABEL = 'demo backend'

const EXPIRY_LABELS = { '24h': '24 hours', '1m': '1 month', '3m': '3 months', '6m': '6 months', '12m': '1 year' }

/** The change-PIN fields as the page names them → where the sandbox expects them. */
const PIN_FIELDS = ['userPin', 'transactionPin', 'confirmation.transactionPin']

class Problem extends Error {
  constructor(status, code, message, detail) {
    super(message)
    this.status = status
    this.code = code
    this.detail = detail
  }
}

/**
 * @param {import('fincode-secure/sandbox').Sandbox} sandbox
 * @param {{ cashierEmail: string }} info
 */
export async function createDemoBackend(sandbox, info) {
  // ---- the API token, server-side only --------------------------------------
  // A token's secret lives only in this process. Earlier runs' tokens for this
  // server are useless now (their secrets died with those processes): retire them.
  for (const t of sandbox.listTokens()) {
    if (t.label === BACKEND_TOKEN_LABEL && t.status === 'active') await sandbox.invalidateToken(t.id)
  }
  let backendToken = await sandbox.createToken(BACKEND_TOKEN_LABEL, '1m')
  const renewToken = async () => {
    backendToken = await sandbox.createToken(BACKEND_TOKEN_LABEL, '1m')
  }

  /**
   * A client for the sandbox's services, built per request so that what
   * `onRequest` reports (the wire, token left out) belongs to that request.
   */
  const servicesClient = (onRequest) =>
    createFincodeClient({
      baseUrl: sandbox.apiUrl,
      // A function, so a renewed token is used without rebuilding anything.
      token: () => backendToken.token,
      publicKey: async () => (await dashboard('GET', '/encryption-keys/current')).publicKey,
      uuid: 'fincode-secure-demo',
      // The browser already encrypted every sensitive field: send the body as it is.
      fields: [],
      timeoutMs: 10_000,
      onRequest,
    })

  /** The sandbox's dashboard endpoints (Settings → API Connections): no API token there, as on FinCode. */
  async function dashboard(method, path, body) {
    const response = await fetch(sandbox.apiUrl + path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const data = await response.json().catch(() => null)
    if (!response.ok) {
      const error = data?.error
      throw new Problem(response.status, error?.code ?? 'SANDBOX_ERROR', error?.message ?? `The sandbox answered ${response.status}.`, error)
    }
    return data
  }

  const tokenView = (t) => ({
    id: t.id,
    label: t.label,
    expiry: EXPIRY_LABELS[t.expiresIn] ?? t.expiresIn,
    expiresAt: t.expiresAt,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    status: t.status,
    replacedBy: t.replacedBy,
    replaces: t.replaces,
    expiringSoon: t.expiringSoon,
    unusedFor30Days: t.unusedFor30Days,
    usedByDemoBackend: t.id === backendToken.id,
  })

  const keyView = (k) => ({ publicKey: k.publicKey, fingerprint: k.fingerprint, modulusLength: k.modulusLength })

  // ---- routes ------------------------------------------------------------------
  const routes = {
    'GET /key': async () => keyView(await dashboard('GET', '/encryption-keys/current')),

    'POST /key/rotate': async () => {
      const { current, retired } = await dashboard('POST', '/encryption-keys/rotate', {})
      return { ...keyView(current), previousFingerprint: retired.fingerprint }
    },

    'GET /sandbox': async () => ({
      cashier: { email: info.cashierEmail },
      expiries: Object.entries(EXPIRY_LABELS).map(([value, label]) => ({ value, label })),
    }),

    'GET /tokens': async () => ({ tokens: (await dashboard('GET', '/api-tokens')).tokens.map(tokenView) }),

    'POST /tokens': async (body) => {
      const { label, expiry, email, currentPassword } = body ?? {}
      for (const [name, value] of Object.entries({ label, expiry, email, currentPassword })) {
        if (typeof value !== 'string') throw new Problem(400, 'ERR_DEMO_REQUEST', `${name} must be a string.`)
      }
      // currentPassword is the browser's ciphertext; it is passed on untouched.
      const created = await dashboard('POST', '/api-tokens', { label, expiresIn: expiry, email, currentPassword })
      return { ...tokenView(created), token: created.token }
    },

    'POST /tokens/:id/rotate': async (body, id) => {
      const { expiry, email, currentPassword } = body ?? {}
      for (const [name, value] of Object.entries({ expiry, email, currentPassword })) {
        if (typeof value !== 'string') throw new Problem(400, 'ERR_DEMO_REQUEST', `${name} must be a string.`)
      }
      const successor = await dashboard('POST', `/api-tokens/${encodeURIComponent(id)}/rotate`, { expiresIn: expiry, email, currentPassword })
      if (id === backendToken.id) {
        // This server's own token: the graceful rotation a real service does. The successor goes where
        // the client's token function reads it; the old token keeps working for requests in flight.
        backendToken = successor
        return {
          ...tokenView(successor),
          note: 'This demo’s server now uses the successor (the page never sees it). The old token still works: invalidate it once its last use is behind you.',
        }
      }
      return { ...tokenView(successor), token: successor.token }
    },

    'DELETE /tokens/:id': async (_body, id) => {
      const invalidated = await dashboard('DELETE', `/api-tokens/${encodeURIComponent(id)}`, {})
      let note
      if (invalidated.id === backendToken.id) {
        await renewToken()
        note = 'It was the token this demo’s server used; the server created itself a new one, which the page never sees either.'
      }
      return { invalidated: invalidated.id, note }
    },

    'POST /change-pin': async (body) => {
      const fields = body?.fields
      if (!fields || typeof fields !== 'object' || PIN_FIELDS.some((name) => typeof fields[name] !== 'string')) {
        throw new Problem(400, 'ERR_DEMO_REQUEST', `fields must hold the ciphertexts ${PIN_FIELDS.join(', ')}.`)
      }
      const request = {
        userPin: fields.userPin,
        transactionPin: fields.transactionPin,
        confirmation: { transactionPin: fields['confirmation.transactionPin'] },
      }
      let wire = null
      const client = servicesClient((outgoing) => {
        const headers = { ...outgoing.headers }
        delete headers['X-Auth-Token'] // "[redacted]" already; the page just says who holds it
        wire = { method: outgoing.method, url: outgoing.url, headers, body: outgoing.body === undefined ? null : JSON.parse(outgoing.body) }
      })
      try {
        const answer = await client.post('/services/change-pin', request)
        return { ok: true, wire, status: 200, response: answer, verdicts: answer?.fields ?? [] }
      } catch (error) {
        if (isFincodeApiError(error)) {
          return {
            ok: false,
            wire,
            status: error.status,
            response: error.body,
            verdicts: error.body?.error?.fields ?? [],
            error: { code: error.code, message: error.message, serverCode: error.serverCode, serverMessage: error.body?.error?.message },
          }
        }
        if (isFincodeSecureError(error)) return { ok: false, wire, status: null, response: null, verdicts: [], error: { code: error.code, message: error.message } }
        throw error
      }
    },
  }

  /** Connect middleware for /demo-api/*. */
  async function middleware(req, res, next) {
    const url = new URL(req.url ?? '/', 'http://demo.invalid')
    if (!url.pathname.startsWith('/demo-api/')) return next()
    // DNS rebinding: a site whose name now points at 127.0.0.1 would be this page's
    // "same origin". Only a loopback Host is this machine's own page.
    if (!isLoopbackHost(req.headers.host)) {
      return send(res, 403, {
        error: { code: 'ERR_DEMO_HOST', message: 'The demo’s API answers only on localhost, 127.0.0.1 and [::1]: open the demo at http://localhost.' },
      })
    }
    const path = url.pathname.slice('/demo-api'.length)
    const method = req.method ?? 'GET'
    let handler
    let param
    for (const [route, fn] of Object.entries(routes)) {
      const [m, pattern] = route.split(' ')
      if (m !== method) continue
      const match = new RegExp(`^${pattern.replace(/:\w+/g, '([^/]+)')}$`).exec(path)
      if (match) {
        handler = fn
        param = match[1] && decodeURIComponent(match[1])
        break
      }
    }
    try {
      if (!handler) throw new Problem(404, 'ERR_DEMO_NOT_FOUND', `No demo route ${method} ${path}.`)
      if (method !== 'GET') checkSameOrigin(req)
      const body = method === 'POST' ? await readJson(req) : undefined
      send(res, 200, await handler(body, param))
    } catch (error) {
      if (error instanceof Problem) return send(res, error.status, { error: { code: error.code, message: error.message, detail: error.detail } })
      // Never echo an unexpected error's text to the page: it could hold anything.
      console.error(`demo backend: ${method} ${path} failed:`, error instanceof Error ? error.message : error)
      send(res, 500, { error: { code: 'ERR_DEMO_BACKEND', message: 'The demo backend failed; see its terminal.' } })
    }
  }

  return { middleware }
}

/**
 * Writes come only from the demo's own pages: a JSON content type (which a
 * cross-site form cannot send without a CORS preflight) and, when the browser
 * sends one, an Origin equal to the page's host.
 */
function checkSameOrigin(req) {
  const origin = req.headers.origin
  if (origin && origin !== `http://${req.headers.host}`) throw new Problem(403, 'ERR_DEMO_ORIGIN', 'Only the demo’s own pages may call its backend.')
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new Problem(415, 'ERR_DEMO_REQUEST', 'Send Content-Type: application/json.')
  }
}

async function readJson(req) {
  const chunks = []
  let size = 0
  for await (const chunk of req) {
    size += chunk.length
    if (size > 64 * 1024) throw new Problem(413, 'ERR_DEMO_REQUEST', 'The body is too large.')
    chunks.push(chunk)
  }
  try {
    return size ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
  } catch {
    throw new Problem(400, 'ERR_DEMO_REQUEST', 'The body is not valid JSON.')
  }
}

function send(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
