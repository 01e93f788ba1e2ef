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

/** One send of the PIN form to the demo's server, and what the server did with it. */
export interface PinResult {
  ok: boolean
  /** What the demo's server sent to the sandbox; null when it answered the page itself (a rotated key, seen before sending). */
  wire: WireRequest | null
  /** The sandbox's status, or 409 when the demo's server refused the ciphertexts itself. */
  status: number | null
  /** The key the page encrypted with (the fincodeKeyFingerprint it sent). */
  keyFingerprint: string | null
  /** When the demo's server refused the ciphertexts itself: the key that is current now. */
  currentKeyFingerprint?: string | null
  /** The sandbox's answer body, as received. */
  response: unknown
  verdicts: FieldVerdict[]
  /** Why the call failed: the client's error code and message, and what the sandbox itself said. */
  error?: { code: string; message: string; serverCode?: string; serverMessage?: string }
}

export const api = {
  rotateKey: () => call<OrganisationKey & { previousFingerprint: string }>('POST', '/key/rotate'),
  sandbox: () => call<{ cashier: { email: string }; expiries: ExpiryOption[] }>('GET', '/sandbox'),
  tokens: () => call<{ tokens: TokenSummary[] }>('GET', '/tokens'),
  createToken: (body: { label: string; expiry: string; email: string; [encrypted: string]: string }) =>
    call<CreatedToken>('POST', '/tokens', body),
  /** The successor's token is in the answer, except for the demo server's own token (then `note` says so). */
  rotateToken: (id: string, body: { expiry: string; email: string; [encrypted: string]: string }) =>
    call<TokenSummary & { token?: string; note?: string }>('POST', `/tokens/${encodeURIComponent(id)}/rotate`, body),
  invalidateToken: (id: string) => call<{ invalidated: string; note?: string }>('DELETE', `/tokens/${encodeURIComponent(id)}`),
  /**
   * The PIN form's submission: ciphertexts only, with `fincodeKeyFingerprint`. The Response as it
   * came: a 409 is the rotated-key answer, which the form reads to recover by itself; every answer
   * carries the attempt (a PinResult) for the wire view.
   */
  changePin: (values: Record<string, string>) =>
    fetch('/demo-api/change-pin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) }),
  /** The same ciphertexts again, as they were, straight to the sandbox (no fingerprint check): what FinCode answers to a retired key. */
  replayPin: (values: Record<string, string>) => call<PinResult>('POST', '/change-pin/replay', values),
}
