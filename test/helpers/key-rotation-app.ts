// "Your server" in the setup the key-rotation tests need: it serves the public key
// to the page and forwards the page's ciphertexts to the sandbox with its API token,
// turning the sandbox's KEY_ROTATED into the rotated-key answer (HTTP 409, CONTRACTS 15.3).
// Its key endpoint can be switched to the failures a page must survive.
// Node only; browser tests drive it through the commands in key-rotation-commands.ts.
import { generateKeyPairSync } from 'node:crypto'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isFincodeSecureError } from '../../src/errors.js'
import { createFincodeClient } from '../../src/server/index.js'
import type { Sandbox } from '../../src/sandbox/index.js'

/**
 * - live: the sandbox's current key, as createPublicKeyHandler serves it.
 * - stale: the key that was current when this mode was set (a server whose FINCODE_PUBLIC_KEY was not updated).
 * - hang: never answers (the connection stays open). down: 503. garbage: a 200 that is not JSON. private: a PKCS#8 private key as "publicKey". ec: an EC P-256 public key.
 */
export type KeyMode = 'live' | 'stale' | 'hang' | 'down' | 'garbage' | 'private' | 'ec'

/** One request the page made to the app, as received (bodies are ciphertexts; kept to check that no plaintext ever arrives). */
export interface Received {
  method: string
  path: string
  body: string
}

/** One forward to the sandbox and how it ended. */
export interface Forward {
  marker: string | undefined
  fingerprint: string | undefined
  status: number
}

export interface KeyRotationApp {
  readonly url: string
  keyMode(mode: KeyMode): void
  /** How many times the key endpoint was asked. */
  readonly keyRequests: number
  readonly received: Received[]
  readonly forwards: Forward[]
  close(): Promise<void>
}

// Made on first use: vite.config.ts loads this module (for the browser commands) on every test run.
let wrongKeys: { ec: string; private: string } | undefined
const wrong = () =>
  (wrongKeys ??= {
    ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    private: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  })

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache', ...headers }).end(JSON.stringify(body))
}

/**
 * fetch as a server has it. Under happy-dom the global fetch is the test page's (it sends the page's
 * Origin and enforces CORS), but this module plays the app's server: it calls the sandbox with node:http.
 */
const serverFetch = (async (url: string | URL, init: RequestInit = {}) => {
  const headers = Object.fromEntries(new Headers(init.headers).entries())
  const body = typeof init.body === 'string' ? init.body : undefined
  return new Promise<Response>((resolve, reject) => {
    const req = httpRequest(String(url), { method: init.method ?? 'GET', headers }, (res) => {
      readBody(res).then((text) => resolve(new Response(text || null, { status: res.statusCode ?? 500, headers: { 'content-type': String(res.headers['content-type'] ?? '') } })), reject)
    })
    req.on('error', reject)
    init.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')))
    req.end(body)
  })
}) as typeof fetch

export async function startKeyRotationApp(sandbox: Sandbox): Promise<KeyRotationApp> {
  const { token } = await sandbox.createToken('pagekey-tests')
  const client = createFincodeClient({
    baseUrl: sandbox.apiUrl,
    token,
    publicKey: () => sandbox.currentKey().publicKey,
    uuid: 'pagekey-tests',
    fetch: serverFetch,
    // This is server code; happy-dom tests merely run it in the process that also holds the test page.
    dangerouslyAllowBrowser: true,
  })
  let mode: KeyMode = 'live'
  let staleKey = sandbox.currentKey()
  let keyRequests = 0
  const received: Received[] = []
  const forwards: Forward[] = []

  const serveKey = (req: IncomingMessage, res: ServerResponse) => {
    keyRequests++
    if (mode === 'hang') return
    if (mode === 'down') return json(res, 503, { error: { code: 'UNAVAILABLE', message: 'down for the test' } })
    if (mode === 'garbage') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title>')
    if (mode === 'private') return json(res, 200, { publicKey: wrong().private })
    if (mode === 'ec') return json(res, 200, { publicKey: wrong().ec })
    const key = mode === 'stale' ? staleKey : sandbox.currentKey()
    const etag = `"${key.fingerprint}"`
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag, 'cache-control': 'no-cache' }).end()
    json(res, 200, { publicKey: key.publicKey, fingerprint: key.fingerprint, modulusLength: key.modulusLength }, { etag })
  }

  /** Forwards the page's ciphertexts as they are (`fields: []`); the fingerprint field is the app's, not FinCode's. */
  const forward = async (path: string, body: Record<string, unknown>, res: ServerResponse) => {
    const { fincodeKeyFingerprint, marker, ...rest } = body
    const record: Forward = { marker: marker as string | undefined, fingerprint: fincodeKeyFingerprint as string | undefined, status: 0 }
    forwards.push(record)
    try {
      const answer = await client.post(path, { ...rest, ...(marker === undefined ? {} : { marker }) }, { fields: [] })
      record.status = 200
      json(res, 200, answer)
    } catch (error) {
      if (isFincodeSecureError(error) && (error.code as string) === 'ERR_KEY_ROTATED') {
        record.status = 409
        return json(res, 409, { error: { code: 'KEY_ROTATED', message: 'The encryption key was rotated; encrypt again with the current key.', fingerprint: sandbox.currentKey().fingerprint } })
      }
      const status = (error as { status?: number }).status ?? 502
      record.status = status
      json(res, status, { error: { code: isFincodeSecureError(error) ? error.code : 'ERR_UNKNOWN', message: error instanceof Error ? error.message : 'The sandbox refused the request.' } })
    }
  }

  const server: Server = createServer((req, res) => {
    // The test page runs on another origin (vitest's server, happy-dom's default URL).
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*')
    res.setHeader('access-control-expose-headers', 'etag')
    if (req.method === 'OPTIONS') {
      return void res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type, if-none-match', 'access-control-max-age': '600' }).end()
    }
    readBody(req)
      .then(async (text) => {
        const path = (req.url ?? '/').split('?')[0]!
        received.push({ method: req.method ?? 'GET', path, body: text })
        if (req.method === 'GET' && path === '/api/fincode-key') return serveKey(req, res)
        // Test control, for pages in browsers no test command reaches (Firefox, WebKit): the admin's rotation.
        if (req.method === 'POST' && path === '/test/rotate') return json(res, 200, { fingerprint: (await sandbox.rotateKey()).fingerprint })
        if (req.method === 'POST' && (path === '/api/verify' || path === '/api/change-pin')) {
          return forward(path === '/api/verify' ? '/services/verify-fields' : '/services/change-pin', JSON.parse(text) as Record<string, unknown>, res)
        }
        json(res, 404, { error: { code: 'NOT_FOUND', message: path } })
      })
      .catch((error: unknown) => json(res, 500, { error: { code: 'APP_FAILED', message: String(error) } }))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keyMode(next) {
      if (next === 'stale') staleKey = sandbox.currentKey()
      mode = next
    },
    get keyRequests() {
      return keyRequests
    },
    received,
    forwards,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}
