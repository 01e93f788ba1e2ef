// The Node side of the matrix, one HTTP server on 127.0.0.1 that every runtime
// talks to (see runtime-tests/harness.mjs):
//   GET  /fixtures.json                 keys and bad inputs
//   POST /decrypt                       {key, ciphertext} → {plaintext}: Node's privateDecrypt, the reference
//   POST /results/:runId                a runtime's report
//   POST /api/v6/services/conformance/… a recording stand-in for FinCode: checks the headers the
//                                       server client must send and decrypts the sensitive fields
//   GET  /page.html, /suite/*, /pkg/*   the browser page, the suite, the unpacked package's files
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFileSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import { SENSITIVE_FIELDS } from '../../src/index.js'
import type { CaseResult } from '../../runtime-tests/conformance.mjs'
import { nodeDecrypt } from '../helpers/decrypt.js'
import type { Fixtures, Secrets } from './fixtures.js'
import { RUNTIME_DIR } from './install.js'
import type { PackedLibrary } from './package.js'

export interface Report {
  results?: CaseResult[]
  fatal?: string
}

export interface Endpoint {
  origin: string
  /** Resolves with the report a runtime posts for `runId`. */
  report(runId: string): Promise<Report>
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
}

const MAX_BODY = 1 << 20

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) reject(new Error('request body over 1 MB'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown, type = TYPES['.json']!): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(text)
}

/** A file under `root`, never outside it. */
function serveFile(res: ServerResponse, root: string, path: string): void {
  const file = resolve(root, `.${decodeURIComponent(path)}`)
  if (!file.startsWith(root + sep)) return send(res, 403, { error: 'outside the served directory' })
  let content: Buffer
  try {
    content = readFileSync(file)
  } catch {
    return send(res, 404, { error: `no such file: ${path}` })
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
  res.end(content)
}

/**
 * What a FinCode API would check of a request from `fincode-secure/server`:
 * the three headers, the JSON content type, no token in the URL, and every
 * sensitive field decrypting with the organisation's private key.
 */
function fincodeStandIn(req: IncomingMessage, rawBody: string, fixtures: Fixtures, secrets: Secrets): { status: number; body: unknown } {
  const { token, revokedToken, platform, uuid } = fixtures.server
  const auth = req.headers['x-auth-token']
  if (auth === revokedToken) return { status: 401, body: { error: { code: 'TOKEN_REVOKED', message: 'This API token was invalidated.' } } }
  const problems: string[] = []
  if (auth !== token) problems.push(`X-Auth-Token is ${auth === undefined ? 'missing' : 'not the token the client was given'}`)
  if (req.headers.platform !== platform) problems.push(`platform header is ${JSON.stringify(req.headers.platform)}, expected ${JSON.stringify(platform)}`)
  if (req.headers.uuid !== uuid) problems.push(`uuid header is ${JSON.stringify(req.headers.uuid)}, expected ${JSON.stringify(uuid)}`)
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) problems.push(`Content-Type is ${JSON.stringify(req.headers['content-type'])}`)
  if (req.url?.includes(token)) problems.push('the token is in the URL')
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    problems.push('the body is not JSON')
  }
  const decrypted: Record<string, string> = {}
  const plain: Record<string, unknown> = {}
  const sensitive = new Set<string>(SENSITIVE_FIELDS)
  const walk = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null) return
    for (const [name, item] of Object.entries(value)) {
      const at = path ? `${path}.${name}` : name
      if (sensitive.has(name)) {
        try {
          decrypted[at] = nodeDecrypt(String(item), secrets.privateKeys.rsa2048)
        } catch (error) {
          problems.push(`${at} does not decrypt with the private key: ${(error as Error).message}`)
        }
      } else if (typeof item === 'object' && item !== null) {
        walk(item, at)
      } else {
        plain[at] = item
      }
    }
  }
  walk(body, '')
  return { status: 200, body: { problems, decrypted, plain } }
}

export async function startEndpoint(options: { fixtures: Fixtures; secrets: Secrets; lib: PackedLibrary; importMap: unknown }): Promise<Endpoint> {
  const { fixtures, secrets, lib } = options
  const fixturesJson = JSON.stringify(fixtures)
  const page = readFileSync(join(RUNTIME_DIR, 'page.html'), 'utf8').replace('__IMPORT_MAP__', JSON.stringify(options.importMap))
  const reports = new Map<string, Report>()
  const waiting = new Map<string, (report: Report) => void>()

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const route = `${req.method} ${url.pathname}`
    if (route === 'GET /fixtures.json') return send(res, 200, fixturesJson)
    if (route === 'POST /decrypt') {
      const { key, ciphertext } = JSON.parse(await readBody(req)) as { key: keyof Secrets['privateKeys']; ciphertext: string }
      const privateKey = secrets.privateKeys[key]
      if (!privateKey) return send(res, 400, { error: `no key named ${key}` })
      try {
        return send(res, 200, { plaintext: nodeDecrypt(ciphertext, privateKey) })
      } catch (error) {
        return send(res, 422, { error: `Node could not decrypt it: ${(error as Error).message}` })
      }
    }
    if (req.method === 'POST' && url.pathname.startsWith('/results/')) {
      const runId = url.pathname.slice('/results/'.length)
      const report = JSON.parse(await readBody(req)) as Report
      reports.set(runId, report)
      waiting.get(runId)?.(report)
      return send(res, 200, {})
    }
    if (url.pathname.startsWith('/api/v6/services/conformance/')) {
      const { status, body } = fincodeStandIn(req, await readBody(req), fixtures, secrets)
      return send(res, status, body)
    }
    if (route === 'GET /page.html') return send(res, 200, page, TYPES['.html'])
    if (route === 'GET /suite/harness.mjs' || route === 'GET /suite/conformance.mjs') return serveFile(res, lib.projectDir, url.pathname.slice('/suite'.length))
    if (req.method === 'GET' && url.pathname.startsWith('/pkg/')) return serveFile(res, lib.packageDir, url.pathname.slice('/pkg'.length))
    if (route === 'GET /favicon.ico') return send(res, 204, '')
    return send(res, 404, { error: `no route ${route}` })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, { error: error.message })
      else res.destroy()
    })
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', done)
  })
  const { port } = server.address() as { port: number }

  return {
    origin: `http://127.0.0.1:${port}`,
    report(runId) {
      const done = reports.get(runId)
      return done ? Promise.resolve(done) : new Promise((resolveReport) => waiting.set(runId, resolveReport))
    },
    close() {
      server.closeAllConnections()
      return new Promise((done) => server.close(() => done()))
    },
  }
}
