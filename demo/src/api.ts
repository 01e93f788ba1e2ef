// The page talks only to the demo's own backend (/demo-api/*). The backend holds
// the API token and calls the sandbox; nothing here ever sees that token.

/** What the backend answers when something went wrong: a stable code and a sentence for people. */
export interface ApiProblem {
  code: string
  message: string
  /** Extra detail from the sandbox (its error body), shown as-is. */
  detail?: unknown
}

export class DemoApiError extends Error {
  readonly code: string
  readonly status: number
  readonly detail: unknown
  constructor(status: number, problem: ApiProblem) {
    super(problem.message)
    this.name = 'DemoApiError'
    this.code = problem.code
    this.status = status
    this.detail = problem.detail
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  // Writes always carry a JSON body: the backend refuses other content types,
  // which a cross-site form could send without a CORS preflight.
  const write = method !== 'GET'
  const response = await fetch(`/demo-api${path}`, {
    method,
    headers: write ? { 'content-type': 'application/json' } : {},
    body: write ? JSON.stringify(body ?? {}) : undefined,
  })
  const data = (await response.json().catch(() => null)) as (T & { error?: ApiProblem }) | null
  if (!response.ok || !data) {
    throw new DemoApiError(response.status, data?.error ?? { code: 'ERR_DEMO_BACKEND', message: `The demo backend answered ${response.status}.` })
  }
  return data
}

export interface OrganisationKey {
  /** Base64 SPKI DER, as the dashboard shows it. */
  publicKey: string
  fingerprint: string
  modulusLength: number
}

export interface TokenSummary {
  id: string
  label: string
  expiry: string
  expiresAt: string
  createdAt: string
  lastUsedAt: string | null
  /** True for the token the demo's backend itself uses to call the sandbox. */
  usedByDemoBackend: boolean
  status: 'active' | 'expired' | 'invalidated'
  /** The successor's id once this token was rotated; it keeps working until invalidated. */
  replacedBy: string | null
  /** The token this one replaced. */
  replaces: string | null
  /** Active, within 7 days of expiry and in the last quarter of its lifetime. */
  expiringSoon: boolean
  /** Active and not used for 30 days. */
  unusedFor30Days: boolean
}

export interface ExpiryOption {
  value: string
  label: string
}

export interface CreatedToken extends TokenSummary {
  /** The token itself: shown once, never stored by the sandbox (only its hash). */
  token: string
}

export interface WireRequest {
  method: string
  url: string
  /** Request headers as sent, except X-Auth-Token, which stays on the server. */
  headers: Record<string, string>
  body: unknown
}

/** The sandbox's answer for one sensitive field. Never holds the plaintext. */
export interface FieldVerdict {
  field: string
  decrypted: boolean
  /** 'RSA-OAEP-256' (MGF1-SHA-256, WebCrypto) or 'RSA-OAEP-256-MGF1-SHA1' (Java's default provider). */
  variant?: string
  /** The key it decrypted with, or for 'rotated-key', the retired key it was made with. */
  keyFingerprint?: string
  reason?: 'rotated-key' | 'not-decryptable' | 'not-base64' | 'not-a-string' | 'not-utf8'
  retiredAt?: string
}

export interface PinResult {
  ok: boolean
  wire: WireRequest | null
  status: number | null
  /** The sandbox's answer body, as received. */
  response: unknown
  verdicts: FieldVerdict[]
  /** Why the call failed: the client's error code and message, and what the sandbox itself said. */
  error?: { code: string; message: string; serverCode?: string; serverMessage?: string }
}

export const api = {
  key: () => call<OrganisationKey>('GET', '/key'),
  rotateKey: () => call<OrganisationKey & { previousFingerprint: string }>('POST', '/key/rotate'),
  sandbox: () => call<{ cashier: { email: string }; expiries: ExpiryOption[] }>('GET', '/sandbox'),
  tokens: () => call<{ tokens: TokenSummary[] }>('GET', '/tokens'),
  createToken: (body: { label: string; expiry: string; email: string; [encrypted: string]: string }) =>
    call<CreatedToken>('POST', '/tokens', body),
  /** The successor's token is in the answer, except for the demo server's own token (then `note` says so). */
  rotateToken: (id: string, body: { expiry: string; email: string; [encrypted: string]: string }) =>
    call<TokenSummary & { token?: string; note?: string }>('POST', `/tokens/${encodeURIComponent(id)}/rotate`, body),
  invalidateToken: (id: string) => call<{ invalidated: string; note?: string }>('DELETE', `/tokens/${encodeURIComponent(id)}`),
  /** Sends ciphertexts only; `keyFingerprint` says which key the page used. */
  changePin: (body: { fields: Record<string, string>; keyFingerprint: string | null }) =>
    call<PinResult>('POST', '/change-pin', body),
}
