// Small HTTP helpers: JSON in, JSON out, errors as `{ error: { code, message } }`.
import type { IncomingMessage, ServerResponse } from 'node:http'

export const MAX_BODY_BYTES = 64 * 1024

/** A refusal with a stable code; `extra` is merged into the error object (e.g. per-field verdicts). */
export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'SandboxHttpError'
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(text)
}

export function sendError(res: ServerResponse, error: SandboxHttpError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message, ...error.extra } })
}

/** The JSON object body of a request; `{}` when it is empty. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  let tooLarge = false
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    // Keep draining so the connection stays usable, but hold no more than the limit.
    if (size > MAX_BODY_BYTES) tooLarge = true
    else chunks.push(chunk)
  }
  if (tooLarge) throw new SandboxHttpError(413, 'BODY_TOO_LARGE', `The body is over ${MAX_BODY_BYTES} bytes; encrypt single fields, never whole documents.`)
  if (size === 0) return {}
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new SandboxHttpError(400, 'BODY_INVALID', 'The body is not valid JSON.')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SandboxHttpError(400, 'BODY_INVALID', 'The body must be a JSON object.')
  return body as Record<string, unknown>
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  const one = Array.isArray(value) ? value[0] : value
  return one === undefined || one.trim() === '' ? undefined : one.trim()
}
