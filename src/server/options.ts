// Validation of createFincodeClient's options: every refusal happens here,
// before any request, with a message naming the option and saying what to do.
import { FincodeSecureError, type FincodeClientErrorCode, type FincodeSecureErrorCode } from '../errors.js'
import { describe } from '../key.js'

export function refuse(code: FincodeSecureErrorCode | FincodeClientErrorCode, message: string, cause?: unknown): never {
  throw new FincodeSecureError<FincodeSecureErrorCode | FincodeClientErrorCode>(code, message, cause === undefined ? undefined : { cause })
}

const config = (message: string): never => refuse('ERR_CONFIG_INVALID', message)

/** Hosts on which plain http is allowed: the machine itself (a sandbox, a tunnel). */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** One or more DNS labels: `{domain}` in https://{domain}.fincode.software. */
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

/** Visible ASCII: what an HTTP header value may safely hold. */
export const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

/** The API root (no trailing slash) from `domain` or `baseUrl`. */
export function resolveBaseUrl(domain: unknown, baseUrl: unknown): string {
  // A leftover sandbox baseUrl must not silently override the production domain.
  if (domain !== undefined && baseUrl !== undefined) {
    config('Pass `domain` or `baseUrl`, not both: `baseUrl` would override `domain`. Keep `domain` for FinCode, or `baseUrl` for the sandbox or a proxy.')
  }
  if (baseUrl !== undefined) {
    if (typeof baseUrl !== 'string' || !baseUrl) config(`baseUrl must be a non-empty URL string such as "https://acme.fincode.software/api/v6", got ${describe(baseUrl)}.`)
    let url: URL
    try {
      url = new URL(baseUrl as string)
    } catch {
      return config('baseUrl is not an absolute URL; write it as "https://{domain}.fincode.software/api/v6" (or http://127.0.0.1:8787/api/v6 for the sandbox).')
    }
    // Never echo the whole URL: someone may have pasted a token into it.
    if (url.username || url.password) config('baseUrl must not contain a user name or password; the API token goes in the `token` option and travels in the X-Auth-Token header.')
    if (url.search || url.hash) config('baseUrl must not have a query string or fragment; pass the API root, such as "https://acme.fincode.software/api/v6".')
    if (url.protocol === 'http:') {
      if (!LOCAL_HOSTS.has(url.hostname)) {
        refuse('ERR_INSECURE_URL', `baseUrl uses plain http:// for ${url.hostname}; the API token and payloads would cross the network readable. Use https:// (plain http is allowed only for localhost, 127.0.0.1 and [::1]).`)
      }
    } else if (url.protocol !== 'https:') {
      config(`baseUrl must be an https:// URL, got the scheme ${url.protocol}`)
    }
    return url.href.replace(/\/+$/, '')
  }
  if (domain === undefined) config('Pass `domain` (your FinCode subdomain: "acme" for https://acme.fincode.software) or `baseUrl`.')
  if (typeof domain !== 'string' || !DOMAIN.test(domain)) {
    config(`domain must be your FinCode subdomain, such as "acme" for https://acme.fincode.software, got ${typeof domain === 'string' ? 'a string that is not a host name' : describe(domain)}.`)
  }
  return `https://${(domain as string).toLowerCase()}.fincode.software/api/v6`
}

/** A required header value (uuid, platform), checked once at creation. */
export function headerOption(name: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || !value) config(`${name} is required: a non-empty string such as ${example}, got ${describe(value)}.`)
  if (!HEADER_VALUE.test(value as string)) config(`${name} must be printable ASCII without line breaks or surrounding spaces (it is sent as an HTTP header).`)
  return value as string
}

/** A token value, wherever it came from; the message never contains it. */
export function checkToken(value: unknown, from: string): string {
  const what = 'create one in Settings → API Connections → API Tokens and pass it from a secret store or the FINCODE_API_TOKEN environment variable, never hard-coded'
  if (value === undefined || value === null || value === '') refuse('ERR_TOKEN_MISSING', `${from} is missing; ${what}.`)
  if (typeof value !== 'string') refuse('ERR_TOKEN_MISSING', `${from} must be a string, got ${describe(value)}; ${what}.`)
  if (!HEADER_VALUE.test(value as string)) {
    refuse('ERR_TOKEN_MISSING', `${from} is not a valid API token (it has spaces, line breaks or non-ASCII characters at an end or inside — check how the environment variable was set).`)
  }
  return value as string
}

export function timeoutOption(value: unknown, name: string): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    config(`${name} must be a whole number of milliseconds between 1 and 2147483647, got ${typeof value === 'number' ? value : describe(value)}.`)
  }
  return value as number
}

export const DEFAULT_TIMEOUT_MS = 30_000

export function fieldsOption(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.some((f) => typeof f !== 'string' || !f)) {
    config(`${name} must be an array of field names such as ["transactionPin"] (or [] to send the body as it is), got ${describe(value)}.`)
  }
  return Object.freeze([...(value as string[])])
}

export function signalOption(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined) return undefined
  const s = value as Partial<AbortSignal> | null
  if (!s || typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    config(`${name} must be an AbortSignal (for example from new AbortController().signal), got ${describe(value)}.`)
  }
  return value as AbortSignal
}

/** A page in a browser: a `window` that has a `document`. Workers and server runtimes have none. */
export function inBrowserPage(): boolean {
  const w = (globalThis as { window?: { document?: unknown } }).window
  return typeof w === 'object' && w !== null && typeof w.document === 'object' && w.document !== null
}
