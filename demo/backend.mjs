// The demo's own backend: what a merchant's server does between its pages and
// FinCode. It holds the API token (the page never sees it) and calls the
// sandbox's services with fincode-secure/server. The Settings pages stand in
// for FinCode's dashboard, so their routes are passed through to the sandbox's
// dashboard endpoints.
import { createFincodeClient, createPublicKeyHandler, isFincodeApiError, isFincodeSecureError, keyRotatedAnswer, readEncryptedFields } from 'fincode-secure/server'
import { isLoopbackHost } from './src/loopback.mjs'

/** The label of the token this server creates for itself at start. */
export const BACKEND_TOKEN_LABEL = 'demo backend'

const EXPIRY_LABELS = { '24h': '24 hours', '1m': '1 month', '3m': '3 months', '6m': '6 months', '12m': '1 year' }

/** The change-PIN fields as the page names them → where the sandbox expects them. */
const PIN_FIELDS = { userPin: 'userPin', transactionPin: 'transactionPin', 'confirmation.transactionPin': 'confirmation.transactionPin' }

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
  /**
   * The organisation's current key, read from the sandbox on every call: the key
   * endpoint, readEncryptedFields and the stale-key check all see a rotation at once
   * (a real server reads FINCODE_PUBLIC_KEY or its secret store here).
   */
  const currentKey = async () => (await dashboard('GET', '/encryption-keys/current')).publicKey
  const keyHandler = createPublicKeyHandler(currentKey)
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
      publicKey: currentKey,
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

    // The form's submission: the page's ciphertexts and the fingerprint of the key it used. A key
    // rotated since the page encrypted gets the rotated-key answer (409), from which the form recovers
    // by itself: the new key, the inputs encrypted again, a second request. Each answer carries the
    // attempt (what reached the sandbox, if anything) for the page's wire view.
    'POST /change-pin': async (body) => {
      const read = await readEncryptedFields(body ?? {}, { fields: PIN_FIELDS, publicKey: currentKey }).catch(badRequest)
      if (!read.ok) {
        const current = read.answer.error.fingerprint ?? null
        const attempt = { ok: false, wire: null, status: 409, keyFingerprint: body.fincodeKeyFingerprint, currentKeyFingerprint: current, response: null, verdicts: [] }
        return new Answer(409, { ...read.answer, attempt })
      }
      const { attempt, failure } = await forwardPin(read.body, read.fingerprint)
      // The key was rotated between the check above and the sandbox's answer (or this server's key is stale).
      const answer = failure && (await keyRotatedAnswer(failure, { fingerprint: read.fingerprint, publicKey: currentKey }))
      return answer ? new Answer(409, { ...answer, attempt }) : attempt
    },

    // "Replay the previous ciphertext": sent to the sandbox as it was, without the fingerprint check,
    // to show what FinCode itself answers to ciphertexts made with a retired key.
    'POST /change-pin/replay': async (body) => {
      const fields = body ?? {}
      if (Object.keys(PIN_FIELDS).some((name) => typeof fields[name] !== 'string')) {
        throw new Problem(400, 'ERR_DEMO_REQUEST', `Send the ciphertexts ${Object.keys(PIN_FIELDS).join(', ')}.`)
      }
      const request = { userPin: fields.userPin, transactionPin: fields.transactionPin, confirmation: { transactionPin: fields['confirmation.transactionPin'] } }
      return (await forwardPin(request, fields.fincodeKeyFingerprint ?? null)).attempt
    },
  }

  /**
   * One send to the sandbox's change-pin service: what crossed the wire (token left out) and the
   * sandbox's answer, plus the client's error when it failed. The body already holds the page's
   * ciphertexts: `fields: []` encrypts nothing.
   */
  async function forwardPin(request, keyFingerprint) {
    let wire = null
    const client = servicesClient((outgoing) => {
      const headers = { ...outgoing.headers }
      delete headers['X-Auth-Token'] // "[redacted]" already; the page just says who holds it
      wire = { method: outgoing.method, url: outgoing.url, headers, body: outgoing.body === undefined ? null : JSON.parse(outgoing.body) }
    })
    try {
      const answer = await client.post('/services/change-pin', request, { fields: [] })
      return { attempt: { ok: true, wire, status: 200, keyFingerprint, response: answer, verdicts: answer?.fields ?? [] } }
    } catch (failure) {
      if (isFincodeApiError(failure)) {
        const error = { code: failure.code, message: failure.message, serverCode: failure.serverCode, serverMessage: failure.body?.error?.message }
        return { failure, attempt: { ok: false, wire, status: failure.status, keyFingerprint, response: failure.body, verdicts: failure.body?.error?.fields ?? [], error } }
      }
      if (isFincodeSecureError(failure)) {
        return { failure, attempt: { ok: false, wire, status: null, keyFingerprint, response: null, verdicts: [], error: { code: failure.code, message: failure.message } } }
      }
      throw failure
    }
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
    // The key endpoint, as a Next.js route handler or a Worker would serve it: a fetch Request in, a Response out.
    if (path === '/key') return respondWith(res, await keyHandler(new Request(new URL(url.pathname, `http://${req.headers.host}`), { method, headers: requestHeaders(req) })).catch(keyFailed))
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
      const answer = await handler(body, param)
      if (answer instanceof Answer) send(res, answer.status, answer.body)
      else send(res, 200, answer)
    } catch (error) {
      if (error instanceof Problem) return send(res, error.status, { error: { code: error.code, message: error.message, detail: error.detail } })
      // Never echo an unexpected error's text to the page: it could hold anything.
      console.error(`demo backend: ${method} ${path} failed:`, error instanceof Error ? error.message : error)
      send(res, 500, { error: { code: 'ERR_DEMO_BACKEND', message: 'The demo backend failed; see its terminal.' } })
    }
  }

  return { middleware }
}

/** A route's answer with a status other than 200 (the rotated-key answer's 409). */
class Answer {
  constructor(status, body) {
    this.status = status
    this.body = body
  }
}

/** readEncryptedFields refuses a missing field or a value that is not a ciphertext (it never echoes the value). */
function badRequest(error) {
  if (isFincodeSecureError(error) && error.code === 'ERR_PAYLOAD_INVALID') throw new Problem(400, error.code, error.message)
  throw error
}

/** The key endpoint could not read the sandbox's key: the page's key source reports the status (ERR_KEY_MISSING). */
function keyFailed(error) {
  console.error('demo backend: GET /key failed:', error instanceof Error ? error.message : error)
  return Response.json({ error: { code: 'ERR_DEMO_BACKEND', message: 'The demo backend could not read the key; see its terminal.' } }, { status: 502 })
}

function requestHeaders(req) {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
  return headers
}

/** Writes a fetch Response to Node's response: the few lines any Node http or Express server needs. */
async function respondWith(res, response) {
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
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
