// Small HTTP helpers: JSON in, JSON out, errors as `{ error: { code, message } }`.
import type { IncomingMessage, ServerResponse } from 'node:http'

export const MAX_BODY_BYTES = 64 * 1024
/** Past this much, a too-large body is no longer read to the end: the answer is sent and the connection closed. */
const MAX_DRAIN_BYTES = 1024 * 1024

/** A refusal with a stable code; `extra` is merged into the error object (e.g. per-field verdicts). */
export class SandboxHttpError extends Error {
  constructor(
    /** The HTTP status of the answer. */
    readonly status: number,
    /** The stable code of the answer's `error.code`, e.g. `TOKEN_NOT_FOUND`. */
    readonly code: string,
    message: string,
    /** Members merged into the answer's `error` object (e.g. `fields`, `replacedBy`). */
    readonly extra?: Record<string, unknown>,
    /** The rest of the request will not be read: the connection must close after the answer. */
    readonly closeConnection = false,
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
  if (error.closeConnection) res.setHeader('Connection', 'close')
  sendJson(res, error.status, { error: { code: error.code, message: error.message, ...error.extra } })
}

/** The JSON object body of a request; `{}` when it is empty. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const tooLarge = (closeConnection: boolean) =>
    new SandboxHttpError(413, 'BODY_TOO_LARGE', `The body is over ${MAX_BODY_BYTES} bytes; encrypt single fields, never whole documents.`, undefined, closeConnection)
  if (Number(header(req, 'content-length') ?? 0) > MAX_DRAIN_BYTES) throw tooLarge(true)
  // Events, not for-await: leaving a for-await loop early would destroy the socket before the 413 is sent.
  const { chunks, size } = await new Promise<{ chunks: Buffer[]; size: number }>((done, fail) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      // A little over the limit is drained so the connection stays usable; far over it, reading stops.
      if (size > MAX_DRAIN_BYTES) {
        req.off('data', onData)
        req.pause()
        fail(tooLarge(true))
      } else if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => done({ chunks, size }))
    req.once('error', fail)
  })
  if (size > MAX_BODY_BYTES) throw tooLarge(false)
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
