import { FincodeSecureError } from '../errors.js'
import { copyBody, type SensitiveField } from '../_json-copy.js'
import { encryptCopiedFields, SENSITIVE_FIELDS } from '../fields.js'
import { describe, importPublicKey, type FincodePublicKey, type PublicKeyInput } from '../key.js'
import type { EncryptionScheme } from '../scheme.js'
import { FincodeApiError, serverErrorCode, serverErrorMessage, type FincodeApiErrorCode } from './api-error.js'
import { withDeadline, type Deadline } from './deadline.js'
import { redactError, redactJson, redactText, REDACTED } from './redact.js'
import { isCiphertextFor } from './ciphertext.js'
import {
  checkToken,
  fieldsOption,
  headerOption,
  inBrowserPage,
  refuse,
  resolveBaseUrl,
  signalOption,
  timeoutOption,
} from './options.js'

type Awaitable<T> = T | PromiseLike<T>

/** What the token function is told when it is called. */
export interface TokenContext {
  /**
   * True when FinCode has just refused the token the last call returned (HTTP 401):
   * a caching secret store should read afresh. If the function then returns a
   * different token, the request is sent once more with it.
   */
  rejected: boolean
}

/** A token, or a function returning the current one (so it can be rotated without a restart). */
export type TokenSource = string | ((context: TokenContext) => Awaitable<string>)
/** Key text, an imported key, or a function returning either (called again when the server reports a rotated key). */
export type PublicKeySource = PublicKeyInput | (() => Awaitable<PublicKeyInput>)

/** The methods `request` accepts. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Options of `createFincodeClient`: where to send, the token, the key, and the headers FinCode requires. */
export interface FincodeClientOptions {
  /** Your FinCode subdomain: requests go to https://{domain}.fincode.software/api/v6. */
  domain?: string
  /** The API root instead of `domain`, e.g. the sandbox's http://127.0.0.1:8787/api/v6. http:// only for localhost. */
  baseUrl?: string
  /** The API token (Settings → API Connections → API Tokens), or a function returning it. Read it from a secret store or FINCODE_API_TOKEN. */
  token: TokenSource
  /** The organisation's public key (Encryption Keys), or a function returning it; read it from FINCODE_PUBLIC_KEY or fetch it. */
  publicKey: PublicKeySource
  /** `platform` header; default "fincode". */
  platform?: string
  /** `uuid` header: your integration's identifier. */
  uuid: string
  /** A fetch implementation; default the global `fetch`. */
  fetch?: typeof fetch
  /** Field names to encrypt in request bodies; default `SENSITIVE_FIELDS`. */
  fields?: readonly string[]
  /** OAEP variant; default SHA-256/MGF1-SHA-256. `javaDefault` from `fincode-secure/java-default` for Java-default servers. */
  scheme?: EncryptionScheme
  /** Whole-request time limit in ms (key lookup, encryption, both attempts, reading the answer); default 30000. */
  timeoutMs?: number
  /** Aborts every request of this client (e.g. on shutdown). */
  signal?: AbortSignal
  /** Lets the client start in a browser page. An API token in a page is readable by anyone who opens it: do not. */
  dangerouslyAllowBrowser?: boolean
  /** Called before each attempt with what is about to cross the wire, the token masked. For logs and demos. */
  onRequest?: (info: OutgoingRequest) => void
  /**
   * Where the client writes the one warning an operator must act on: FinCode refused
   * the key that `publicKey` still returns (ERR_KEY_STALE). Default `console`.
   */
  logger?: { warn(message: string): void }
}

/** Options of one request; `signal` and `timeoutMs` apply on top of the client's own. */
export interface RequestOptions {
  /** The JSON body; its sensitive fields are encrypted before it is sent. */
  body?: unknown
  /** Cancels this request (the client's `signal` still applies). */
  signal?: AbortSignal
  /** Time limit for this request in ms, instead of the client's. */
  timeoutMs?: number
  /** Fields to encrypt for this request; `[]` sends the body as it is (e.g. fields a browser already encrypted). */
  fields?: readonly string[]
}

/** What `onRequest` sees. Never holds the token or a plaintext. */
export interface OutgoingRequest {
  /** The HTTP method. */
  method: HttpMethod
  /** The full URL, base URL and path. */
  url: string
  /** The headers as sent, with X-Auth-Token replaced by "[redacted]". */
  headers: Record<string, string>
  /** The JSON body as sent (sensitive fields already encrypted). */
  body: string | undefined
  /** Fingerprint of the key the body was encrypted with, when something was encrypted. */
  keyFingerprint: string | undefined
  /** 1, or 2 for the one retry (after a rotated key, or a refused token that the token function replaced). */
  attempt: 1 | 2
}

/**
 * A client for FinCode's server-to-server API, from `createFincodeClient`. The token lives in a closure: it is not a
 * property, and `String(client)`, `JSON.stringify(client)` and `util.inspect(client)` show it as hidden.
 */
export interface FincodeClient {
  /** The API root requests go to, e.g. `https://acme.fincode.software/api/v6`. */
  readonly baseUrl: string
  /** The `platform` header sent with every request. */
  readonly platform: string
  /** The `uuid` header sent with every request. */
  readonly uuid: string
  /** Sends one request and resolves with the parsed JSON answer (undefined when empty). */
  request<T = unknown>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>
  /** `request('GET', path, options)`. */
  get<T = unknown>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T>
  /** `request('POST', path, { ...options, body })`: the body's sensitive fields are encrypted. */
  post<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>
  /** `request('PUT', path, { ...options, body })`. */
  put<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>
  /** `request('PATCH', path, { ...options, body })`. */
  patch<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>
  /** `request('DELETE', path, options)`. */
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T>
  /** The key the client encrypts with now (resolving `publicKey` on first use). */
  publicKey(): Promise<FincodePublicKey>
}

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
/** The sandbox's code for "encrypted with a key that has been rotated". */
const ROTATED_KEY_CODES = new Set(['KEY_ROTATED'])

/**
 * A client for FinCode's server-to-server API, authenticated with an API
 * token. Runs wherever `fetch` and WebCrypto exist (Node, Deno, Bun, Workers).
 * The token lives only in this closure: it is not a property of the client
 * and never appears in an error, a URL or the client's printed form.
 *
 * @example
 * ```ts
 * const fincode = createFincodeClient({
 *   domain: 'acme', // https://acme.fincode.software/api/v6
 *   token: () => secrets.get('fincode-api-token'),
 *   publicKey: process.env.FINCODE_PUBLIC_KEY!,
 *   uuid: process.env.FINCODE_UUID!,
 * })
 * await fincode.post('/services/change-pin', { userPin: currentPin, transactionPin: newPin, confirmation: { transactionPin: newPin } })
 * ```
 */
export function createFincodeClient(options: FincodeClientOptions): FincodeClient {
  try {
    return createClient(options)
  } catch (error) {
    // An options object with a throwing getter, or a Proxy, fails as a configuration error.
    if (error instanceof FincodeSecureError) throw error
    return refuse('ERR_CONFIG_INVALID', 'createFincodeClient could not read its options (a getter or Proxy threw); see cause.', error)
  }
}

function createClient(options: FincodeClientOptions): FincodeClient {
  if (typeof options !== 'object' || options === null) {
    refuse('ERR_CONFIG_INVALID', `createFincodeClient needs an options object ({ domain, token, publicKey, uuid }), got ${describe(options)}.`)
  }
  if (inBrowserPage() && options.dangerouslyAllowBrowser !== true) {
    refuse(
      'ERR_TOKEN_IN_BROWSER',
      'createFincodeClient was called in a browser page. An API token there is readable by anyone who opens the page: call FinCode from your server, and in the page encrypt fields with encryptPayload or useEncryptedField. (dangerouslyAllowBrowser: true overrides this.)',
    )
  }
  const baseUrl = resolveBaseUrl(options.domain, options.baseUrl)
  const platform = options.platform === undefined ? 'fincode' : headerOption('platform', options.platform, '"fincode"')
  const uuid = headerOption('uuid', options.uuid, 'the integration UUID FinCode gave you')

  const tokenSource = options.token
  if (typeof tokenSource !== 'function') checkToken(tokenSource, 'token')

  const keySource = options.publicKey
  if (keySource === undefined || keySource === null || keySource === '') {
    refuse('ERR_KEY_INVALID', 'publicKey is required: the organisation key from Settings → API Connections → Encryption Keys (e.g. from the FINCODE_PUBLIC_KEY environment variable), or a function returning it.')
  }

  if (options.fetch === undefined ? typeof globalThis.fetch !== 'function' : typeof options.fetch !== 'function') {
    refuse('ERR_CONFIG_INVALID', `fetch must be a function; pass one as options.fetch when the runtime has no global fetch (got ${describe(options.fetch)}).`)
  }
  // The global is looked up per call and called on globalThis: browsers throw
  // "Illegal invocation" for a detached fetch, and tests may replace it late.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const fields = fieldsOption(options.fields, 'fields') ?? SENSITIVE_FIELDS
  const scheme = options.scheme
  const timeoutMs = timeoutOption(options.timeoutMs, 'timeoutMs')
  const clientSignal = signalOption(options.signal, 'signal')
  const onRequest = options.onRequest
  if (onRequest !== undefined && typeof onRequest !== 'function') refuse('ERR_CONFIG_INVALID', `onRequest must be a function, got ${describe(onRequest)}.`)
  const logger = options.logger ?? globalThis.console
  if (typeof logger?.warn !== 'function') refuse('ERR_CONFIG_INVALID', 'logger must have a warn(message) method, such as console or a pino/winston logger.')

  async function currentToken(deadline: Deadline, rejected: boolean): Promise<string> {
    if (typeof tokenSource !== 'function') return tokenSource
    let value: unknown
    try {
      value = await deadline.race(tokenSource({ rejected }))
    } catch (cause) {
      if (deadline.signal.aborted || cause instanceof FincodeSecureError) throw cause
      // The cause is the function's own error; its message is the caller's, not ours.
      refuse('ERR_TOKEN_MISSING', 'token() threw or rejected; see cause.', cause)
    }
    return checkToken(value, 'token() result')
  }

  // The key in use, shared by concurrent requests. `refreshKey` replaces it once
  // per rotation, however many requests saw the rotated-key answer at once.
  let key: Promise<FincodePublicKey> | undefined
  function loadKey(): Promise<FincodePublicKey> {
    const loading = (async () => {
      let input: unknown = keySource
      if (typeof keySource === 'function') {
        try {
          input = await keySource()
        } catch (cause) {
          if (cause instanceof FincodeSecureError) throw cause
          refuse('ERR_KEY_INVALID', 'publicKey() threw or rejected, so there is no key to encrypt with; see cause.', cause)
        }
      }
      return importPublicKey(input as PublicKeyInput)
    })()
    key = loading
    loading.catch(() => key === loading && (key = undefined))
    return loading
  }
  function currentKey(): Promise<FincodePublicKey> {
    return key ?? loadKey()
  }
  async function refreshKey(stale: FincodePublicKey): Promise<FincodePublicKey> {
    const now = key && (await key.catch(() => undefined))
    return now && now !== stale ? now : loadKey()
  }

  /**
   * FinCode refused the key that the publicKey function still returns: not a rotation
   * a retry can fix, but a setting an operator must update. Said once in the log too.
   */
  function staleKey(rotated: FincodeApiError, fingerprint: string, tokens: readonly string[]): FincodeApiError {
    const what = `FinCode refused the key that publicKey() still returns (fingerprint ${fingerprint.slice(0, 16)}…): it has been rotated. Update the setting publicKey() reads (FINCODE_PUBLIC_KEY, or your secret store) to the current key from Settings → API Connections → Encryption Keys`
    logger.warn(redactText(`fincode-secure: ${rotated.method} ${rotated.path}: ${what}.`, tokens))
    return new FincodeApiError('ERR_KEY_STALE', `${rotated.method} ${rotated.path} was refused (HTTP ${rotated.status} ${rotated.serverCode}): ${what}.`, {
      status: rotated.status,
      serverCode: rotated.serverCode,
      body: rotated.body,
      method: rotated.method,
      path: rotated.path,
    })
  }

  async function send<T>(method: HttpMethod, path: string, request: RequestOptions = {}): Promise<T> {
    if (!METHODS.has(method)) refuse('ERR_CONFIG_INVALID', `method must be one of GET, POST, PUT, PATCH, DELETE, got ${typeof method === 'string' ? JSON.stringify(method) : describe(method)}.`)
    if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || /[\s#]/.test(path)) {
      refuse('ERR_CONFIG_INVALID', 'path must start with "/" and is relative to the API root, such as "/services/change-pin" (no spaces or #).')
    }
    if (typeof request !== 'object' || request === null) refuse('ERR_CONFIG_INVALID', `request options must be an object, got ${describe(request)}.`)
    const hasBody = request.body !== undefined
    if (hasBody && method === 'GET') refuse('ERR_CONFIG_INVALID', 'A GET request cannot have a body; use post() or put query parameters in the path.')
    const requestFields = fieldsOption(request.fields, 'options.fields') ?? fields
    const url = baseUrl + path
    const deadline = withDeadline(
      [clientSignal, signalOption(request.signal, 'options.signal')],
      request.timeoutMs === undefined ? timeoutMs : timeoutOption(request.timeoutMs, 'options.timeoutMs'),
      `${method} ${path}`,
    )
    // Every token this request has sent: scrubbed from whatever the request throws or shows.
    const tokens: string[] = []
    try {
      let token = await currentToken(deadline, false)
      tokens.push(token)
      // One walk decides what is sent: the copy holds what JSON.stringify would
      // serialise, and exactly its sensitive strings are encrypted. The plaintexts
      // live in this call only; each attempt encrypts them afresh.
      const { copy, fields: sensitive } = hasBody ? copyBody(request.body, new Set(requestFields)) : { copy: undefined, fields: [] }
      let usedKey = sensitive.length > 0 ? await deadline.race(currentKey()) : undefined
      if (usedKey) refuseCiphertexts(sensitive, usedKey)
      for (let attempt: 1 | 2 = 1; ; attempt = 2) {
        if (usedKey) await deadline.race(encryptCopiedFields(sensitive, usedKey, scheme ? { scheme } : undefined))
        const body = hasBody ? JSON.stringify(copy) : undefined
        const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', platform, uuid }
        onRequest?.({
          method,
          url: redactText(url, tokens),
          headers: { ...headers, 'X-Auth-Token': REDACTED },
          body: body === undefined ? undefined : redactText(body, tokens),
          keyFingerprint: usedKey?.fingerprint,
          attempt,
        })
        let response: Response
        try {
          // Raced as well: a custom fetch that ignores the signal must not outlive the deadline.
          // Redirects are never followed: fetch would resend X-Auth-Token to wherever Location points.
          // ("manual", not "error": Cloudflare Workers reject redirect: 'error' with a TypeError.)
          response = await deadline.race(fetchImpl(url, { method, headers: { ...headers, 'X-Auth-Token': token }, body, signal: deadline.signal, redirect: 'manual' }))
        } catch (cause) {
          if (deadline.signal.aborted) throw deadline.signal.reason
          refuse('ERR_NETWORK', `${method} ${path}: the request did not reach ${new URL(baseUrl).host} (connection refused, DNS or TLS); see cause.`, cause)
        }
        if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
          void response.body?.cancel().catch(() => {})
          throw apiError('ERR_API_ERROR', response.status, undefined, method, path, 'answered with a redirect, which the client does not follow so that the API token never travels to another address; check baseUrl')
        }
        const text = await deadline.race(response.text())
        if (response.ok) {
          const parsed = parseBody(text)
          if (parsed.json) return parsed.value as T
          throw apiError('ERR_API_ERROR', response.status, redactJson(parsed.value, tokens), method, path, 'answered with a body that is not JSON')
        }
        const answer = redactJson(parseBody(text).value, tokens)
        // The retry rule: at most two sends, the second only after 409 KEY_ROTATED
        // (what this client encrypted, with a key it can fetch again) or after a 401
        // once the token function gives another token. Never after a 5xx, whatever
        // its body says, nor after a network error: either may have reached FinCode.
        const canRetryKey = attempt === 1 && usedKey !== undefined && typeof keySource === 'function'
        const error = failure(response.status, answer, method, path, canRetryKey)
        if (error.code === 'ERR_KEY_ROTATED' && canRetryKey && usedKey) {
          const fresh = await deadline.race(refreshKey(usedKey))
          if (fresh.fingerprint === usedKey.fingerprint) throw staleKey(error, fresh.fingerprint, tokens)
          usedKey = fresh
          continue
        }
        if (error.code === 'ERR_TOKEN_REJECTED' && attempt === 1 && typeof tokenSource === 'function') {
          const next = await currentToken(deadline, true).catch((cause: unknown) => {
            if (deadline.signal.aborted) throw cause
            // The refusal says more than a token function that failed on its second call.
            throw error
          })
          if (next !== token) {
            token = next
            tokens.push(next)
            continue
          }
        }
        throw error
      }
    } catch (error) {
      // fetch and body reads reject with the signal's reason; anything else that
      // raced the deadline lost to it. Either way the reason is our typed error.
      if (deadline.signal.aborted && !(error instanceof FincodeApiError)) throw redactError(deadline.signal.reason, tokens)
      throw redactError(error, tokens)
    } finally {
      deadline.done()
    }
  }

  const describeClient = () => `FincodeClient { baseUrl: '${baseUrl}', platform: '${platform}', uuid: '${uuid}', token: [hidden] }`
  const client: FincodeClient & Record<PropertyKey, unknown> = {
    baseUrl,
    platform,
    uuid,
    request: send,
    get: (path, o) => send('GET', path, o),
    post: (path, body, o) => send('POST', path, { ...o, body }),
    put: (path, body, o) => send('PUT', path, { ...o, body }),
    patch: (path, body, o) => send('PATCH', path, { ...o, body }),
    delete: (path, o) => send('DELETE', path, o),
    publicKey: currentKey,
    toString: describeClient,
    toJSON: () => ({ baseUrl, platform, uuid }),
    [Symbol.for('nodejs.util.inspect.custom')]: describeClient,
    [Symbol.for('Deno.customInspect')]: describeClient,
  }
  return Object.freeze(client)
}

/**
 * A sensitive field that already holds what this key's ciphertexts look like
 * (standard Base64 of one RSA block) was encrypted elsewhere — by a page, say.
 * Encrypting it again would fail as "too large" at best; say what to do instead.
 */
function refuseCiphertexts(fields: readonly SensitiveField[], key: FincodePublicKey): void {
  const length = Math.ceil(key.modulusLength / 8 / 3) * 4
  for (const { plaintext, path } of fields) {
    if (isCiphertextFor(plaintext, key.modulusLength)) {
      refuse(
        'ERR_PAYLOAD_INVALID',
        `${path} already looks like a ciphertext (${length} characters of Base64, one block of this ${key.modulusLength}-bit key). To forward fields a page encrypted, send them as they are with { fields: [] } (readEncryptedFields from fincode-secure/server reads them from a form); the client never encrypts twice.`,
      )
    }
  }
}

function parseBody(text: string): { json: boolean; value: unknown } {
  if (text === '') return { json: true, value: undefined }
  try {
    return { json: true, value: JSON.parse(text) }
  } catch {
    return { json: false, value: text.length > 2000 ? `${text.slice(0, 2000)}…` : text }
  }
}

function apiError(code: FincodeApiErrorCode, status: number, body: unknown, method: string, path: string, what: string): FincodeApiError {
  const serverCode = serverErrorCode(body)
  const said = serverErrorMessage(body)
  return new FincodeApiError(code, `${method} ${path} ${what} (HTTP ${status}${serverCode ? ` ${serverCode}` : ''})${said ? `: ${said}` : '.'}`, {
    status,
    serverCode,
    body,
    method,
    path,
  })
}

function failure(status: number, body: unknown, method: string, path: string, willRetry: boolean): FincodeApiError {
  const serverCode = serverErrorCode(body)
  if (status === 401) {
    return apiError('ERR_TOKEN_REJECTED', status, body, method, path, 'was refused because of the API token: it is expired, invalidated or unknown. Create a new one in Settings → API Connections → API Tokens and update FINCODE_API_TOKEN')
  }
  if (status === 409 && serverCode && ROTATED_KEY_CODES.has(serverCode)) {
    return apiError(
      'ERR_KEY_ROTATED',
      status,
      body,
      method,
      path,
      willRetry
        ? 'was refused: fields were encrypted with a key that has since been rotated'
        : 'was refused: fields were encrypted with a key that has since been rotated. Fetch the current key (pass publicKey as a function so the client can do it) and encrypt again',
    )
  }
  return apiError('ERR_API_ERROR', status, body, method, path, 'failed')
}
