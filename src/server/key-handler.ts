// The key endpoint (docs/key-rotation.md): a Web-standard handler that serves the
// organisation's current public key to pages, so they encrypt with the key your
// server forwards for. fetch's Request and Response only: Next.js route handlers,
// Hono, Workers, Deno.serve, Bun.serve; Node's http and Express in a few lines.
import { toBase64 } from '../_base64.js'
import type { FincodePublicKey } from '../key.js'
import type { PublicKeySource } from './client.js'
import { checkKeySource, currentPublicKey } from './key-source.js'
import { refuse } from './options.js'

const WHO = 'createPublicKeyHandler'
const ALLOW = 'GET, HEAD'

/**
 * A handler for `GET /your/key/path`. It answers `200` with
 * `{ "publicKey": "<Base64 SPKI>", "fingerprint": "<hex>", "modulusLength": 2048 }`,
 * `ETag: "<fingerprint>"` and `Cache-Control: no-cache` (browsers revalidate on
 * every use and get `304` while the key is unchanged); `HEAD` gives the headers
 * alone; any other method `405` with `Allow: GET, HEAD`.
 *
 * `source` is key text, an imported key, or a function returning either — read
 * the environment or a secret store there: the function is called on every
 * request (concurrent requests share one call) and nothing is kept between
 * requests, so a key updated after a rotation is served at once. Only the public
 * SPKI is ever served: a private key as the source rejects with `ERR_KEY_PRIVATE`,
 * and any other bad key with the core's `ERR_KEY_*`, which your framework turns
 * into a 500 and logs.
 */
export function createPublicKeyHandler(source: PublicKeySource): (request: Request) => Promise<Response> {
  const checked = checkKeySource(source, WHO)
  let pending: Promise<FincodePublicKey> | undefined
  const current = (): Promise<FincodePublicKey> => {
    if (!pending) {
      const call = currentPublicKey(checked, WHO)
      const settled = () => pending === call && (pending = undefined)
      pending = call
      call.then(settled, settled)
    }
    return pending
  }

  return async function publicKeyHandler(request: Request): Promise<Response> {
    const method = (request as Partial<Request> | null)?.method
    if (typeof method !== 'string' || typeof request.headers?.get !== 'function') {
      refuse('ERR_CONFIG_INVALID', `${WHO}: the handler takes a fetch Request (a Next.js route handler's request, Hono's c.req.raw, a Worker's or Deno.serve's request); for Node's http or Express, build one as docs/key-rotation.md shows.`)
    }
    if (method !== 'GET' && method !== 'HEAD') {
      return new Response(JSON.stringify({ error: { code: 'METHOD_NOT_ALLOWED', message: `Use ${ALLOW}.` } }), {
        status: 405,
        headers: { Allow: ALLOW, 'Content-Type': 'application/json' },
      })
    }
    const key = await current()
    const cacheHeaders = { ETag: `"${key.fingerprint}"`, 'Cache-Control': 'no-cache' }
    if (matchesEtag(request.headers.get('If-None-Match'), key.fingerprint)) {
      return new Response(null, { status: 304, headers: cacheHeaders })
    }
    const body = JSON.stringify({ publicKey: toBase64(key.spki), fingerprint: key.fingerprint, modulusLength: key.modulusLength })
    return new Response(method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...cacheHeaders, 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' },
    })
  }
}

/**
 * If-None-Match (RFC 9110 §13.1.2): `*`, or a comma-separated list of entity
 * tags compared weakly, so `W/"<fingerprint>"` (which some proxies send back
 * after compressing) also matches.
 */
function matchesEtag(header: string | null, fingerprint: string): boolean {
  if (!header) return false
  const tags = header.match(/\*|(?:W\/)?"[^"]*"/g) ?? []
  return tags.some((tag) => tag === '*' || tag.replace(/^W\//, '') === `"${fingerprint}"`)
}
