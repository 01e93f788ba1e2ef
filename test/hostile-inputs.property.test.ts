// Property-based, over hostile request bodies, keys and client calls, with one
// invariant: the answer is a typed error, or output in which no sensitive value
// appears in plaintext — the returned copy, its JSON, what the client puts on
// the wire, what onRequest sees, and every message.
//
// Every sensitive value generated here starts with MARK, and "-" is not in the
// Base64 alphabet: MARK can never turn up inside a ciphertext by chance, and
// nothing else generated contains it. So "no plaintext" is simply "no MARK".
// Runs are modest (2 shared cores); fast-check prints the seed of a failure.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_NESTING } from '../src/_limits.js'
import { encryptFields, encryptPayload, FincodeSecureError, importPublicKey, SENSITIVE_FIELDS } from '../src/index.js'
import { createFincodeClient, type OutgoingRequest } from '../src/server/index.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'
import { spkiWithExponent } from './helpers/rsa-spki.js'

const MARK = 'S3cr3t-'
const TOKEN = 'fcs_property_token_7f3a9c'
const { publicKey, publicPem, privateKey } = testKeyPair(2048)

/** A typed error: a FincodeSecureError with a code, whose message and stack hold no secret and no token. */
function expectTypedAndClean(error: unknown): void {
  expect(error, `untyped: ${String(error)}`).toBeInstanceOf(FincodeSecureError)
  const { code, message, stack } = error as FincodeSecureError
  expect(code).toMatch(/^ERR_[A-Z_]+$/)
  for (const text of [message, String(stack)]) {
    expect(text).not.toContain(MARK)
    expect(text).not.toContain(TOKEN)
  }
}

/** Settles `call()`, which must return a promise (never throw synchronously). */
async function settle<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let promise: Promise<T>
  try {
    promise = call()
  } catch (error) {
    throw new Error(`threw synchronously: ${String(error)}`)
  }
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
}

// ------------------------------------------------------------------ hostile bodies

const secret = fc.stringMatching(/^[a-z0-9]{1,12}$/).map((s) => MARK + s)
const plainName = fc.constantFrom('cardId', 'amount', 'profile', 'items', 'note', '__proto__', 'toJSON', 'length', '0')
const sensitiveName = fc.constantFrom(...SENSITIVE_FIELDS)

function withProperties(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of entries) Object.defineProperty(out, name, { value, enumerable: true, configurable: true, writable: true })
  return out
}

function nest(value: unknown, levels: number): unknown {
  for (let i = 0; i < levels; i++) value = { a: value }
  return value
}

class Dto {
  constructor(private readonly inner: unknown) {}
  toJSON() {
    return this.inner
  }
}

const { node } = fc.letrec<{ node: unknown; leaf: unknown; object: unknown; array: unknown; wrapped: unknown; sensitiveValue: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('object'), tie('array'), tie('wrapped')),
  leaf: fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt(),
    fc.date({ noInvalidDate: true }),
    fc.constant(() => 'a function'),
    fc.constant(Symbol('s')),
  ),
  // A sensitive key holds a secret in every form JSON would turn into that string, or something that is no string at all.
  sensitiveValue: fc.oneof(
    { arbitrary: secret, weight: 5 },
    secret.map((s) => new String(s)),
    secret.map((s) => ({ toJSON: () => s })),
    secret.map((s) => new Dto(s)),
    fc.integer(),
    fc.bigInt(),
    fc.constant(undefined),
    tie('node'),
  ),
  object: fc
    .array(fc.oneof(fc.tuple(plainName, tie('node')), fc.tuple(sensitiveName, tie('sensitiveValue'))), { maxLength: 4 })
    .map(withProperties),
  array: fc.array(tie('node'), { maxLength: 3 }),
  wrapped: fc.oneof(
    tie('node').map((v) => ({ toJSON: () => v })),
    tie('node').map((v) => new Dto(v)),
    tie('object').map((v) => new Proxy(v as object, {})),
    tie('object').map((v) => new Proxy(v as object, { ownKeys: () => { throw new Error('ownKeys trap') } })),
    tie('object').map((v) => Object.defineProperty(v as object, 'boom', { enumerable: true, get: () => { throw new Error('getter') } })),
    fc.tuple(tie('sensitiveValue'), fc.integer({ min: MAX_NESTING - 3, max: MAX_NESTING + 3 })).map(([v, levels]) => nest({ userPin: v }, levels)),
    fc.constant(null).map(() => {
      const a: Record<string, unknown> = { userPin: `${MARK}cycle` }
      a['self'] = a
      return a
    }),
  ),
}))

const SENSITIVE = new Set<string>(SENSITIVE_FIELDS)
/** A JSON.stringify replacer hiding the value of every sensitive string (it sees values after toJSON). */
const masked = (name: string, value: unknown) => (SENSITIVE.has(name) && (typeof value === 'string' || value instanceof String) ? '<sensitive>' : value)

/** A body is an object at the top, as FinCode's are (the walk takes anything, so some are other values). */
const body = fc.oneof({ arbitrary: tie0(), weight: 4 }, node)
function tie0() {
  return fc.array(fc.oneof(fc.tuple(plainName, node), fc.tuple(sensitiveName, fc.oneof(secret, node))), { maxLength: 5 }).map(withProperties)
}

describe('hostile bodies', () => {
  it('encryptFields: a typed error, or a copy whose JSON holds no sensitive value in plaintext and whose secrets decrypt', async () => {
    const key = await importPublicKey(publicKey)
    let encrypted = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(body, async (input) => {
        const result = await settle(() => encryptFields(input, key))
        if (!result.ok) {
          refused++
          return expectTypedAndClean(result.error)
        }
        const json = JSON.stringify(result.value) ?? ''
        expect(json).not.toContain(MARK)
        // And the copy is exactly what JSON.stringify makes of the input, sensitive strings aside.
        expect(JSON.stringify(result.value, masked) ?? '').toBe(JSON.stringify(input, masked) ?? '')
        // Every ciphertext in the copy is one of ours: decrypt them all back to secrets.
        const ciphertexts = json.match(/"[A-Za-z0-9+/]{342}=="/g) ?? []
        for (const c of ciphertexts) expect(() => nodeDecrypt(JSON.parse(c) as string, privateKey)).not.toThrow()
        if (ciphertexts.length > 0) encrypted++
      }),
      { numRuns: 150 },
    )
    // The generator must reach both outcomes, or the property says little.
    expect(encrypted).toBeGreaterThan(10)
    expect(refused).toBeGreaterThan(10)
  })

  it('the client: a typed error, or a send — and neither the wire, onRequest nor any error holds a secret or the token', async () => {
    const answers = fc.constantFrom('ok', 'echo-400', 'rotated-409', 'rotated-500', 'network')
    let sends = 0
    await fc.assert(
      fc.asyncProperty(body, answers, async (input, answer) => {
        const wire: string[] = []
        const seen: OutgoingRequest[] = []
        const fetch: typeof globalThis.fetch = async (_url, init) => {
          wire.push(String(init?.body ?? ''))
          if (answer === 'network') throw new TypeError('fetch failed')
          const status = { ok: 200, 'echo-400': 400, 'rotated-409': 409, 'rotated-500': 500 }[answer]
          const echoed = { error: { code: answer.startsWith('rotated') ? 'KEY_ROTATED' : 'BAD', message: `got ${TOKEN} and ${String(init?.body).slice(0, 50)}` } }
          return new Response(JSON.stringify(status === 200 ? {} : echoed), { status })
        }
        const client = createFincodeClient({ baseUrl: 'https://acme.fincode.software/api/v6', token: TOKEN, publicKey: () => publicKey, uuid: 'u-1', fetch, onRequest: (info) => seen.push(info), logger: { warn: (line) => expect(line).not.toMatch(new RegExp(`${MARK}|${TOKEN}`)) } })
        const result = await settle(() => client.post('/services/verify-fields', input))
        if (!result.ok) {
          expectTypedAndClean(result.error)
          expect(JSON.stringify((result.error as { body?: unknown }).body) ?? '').not.toContain(TOKEN)
        }
        expect(wire.length).toBeLessThanOrEqual(2)
        for (const sent of wire) expect(sent.replace(/"[A-Za-z0-9+/]{342}=="/g, '"<sensitive>"')).toBe(JSON.stringify(input, masked) ?? '')
        sends += wire.length
        for (const text of [...wire, JSON.stringify(seen)]) {
          expect(text).not.toContain(MARK)
          expect(text).not.toContain(TOKEN)
        }
      }),
      { numRuns: 120 },
    )
    expect(sends).toBeGreaterThan(25) // about 60 in 120 runs: the rest are refused before sending
  })
})

// ------------------------------------------------------------------ hostile client options

describe('hostile client options', () => {
  it('createFincodeClient returns a client or throws a FincodeSecureError, whose message never holds the token', () => {
    const anything = fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.object(), fc.constant(() => 'x'))
    const url = fc.oneof(
      fc.constantFrom('https://acme.fincode.software/api/v6', 'http://127.0.0.1:8787/api/v6', 'http://example.com/api', 'ftp://x', 'https://user:pw@x/api', 'https://x/api?q=1'),
      fc.webUrl(),
      anything,
    )
    fc.assert(
      fc.property(
        fc.record({ domain: fc.oneof(fc.constant(undefined), fc.domain(), anything), baseUrl: fc.oneof(fc.constant(undefined), url), uuid: anything, platform: anything, fields: anything, timeoutMs: anything, fetch: anything, onRequest: anything, logger: anything }, { requiredKeys: [] }),
        fc.oneof(fc.constant(TOKEN), fc.constant(`${TOKEN}\n`), fc.constant(` ${TOKEN}`), fc.constant(`${TOKEN} é`)),
        (options, token) => {
          try {
            createFincodeClient({ ...(options as object), token, publicKey } as never)
          } catch (error) {
            expect(error).toBeInstanceOf(FincodeSecureError)
            expect((error as Error).message).not.toContain(TOKEN)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})

// ------------------------------------------------------------------ hostile keys

/** Made inside the property: fast-check itself cannot look at a revoked Proxy. */
function revokedProxy(): object {
  const revocable = Proxy.revocable({}, {})
  revocable.revoke()
  return revocable.proxy
}

const keyText = fc.oneof(
  fc.constantFrom(publicKey, publicPem, `"${publicKey}"`, publicPem.replace(/\n/g, '\\n')),
  // The real key damaged: a character inserted, a piece cut out, text around it.
  fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([at, text]) => publicKey.slice(0, at % publicKey.length) + text + publicKey.slice(at % publicKey.length)),
  fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([at, n]) => publicKey.slice(0, at % publicKey.length) + publicKey.slice((at % publicKey.length) + n)),
  fc.tuple(fc.string(), fc.string()).map(([before, after]) => before + publicPem + after),
  fc.integer({ min: 0, max: 70_000 }).map((e) => spkiWithExponent(publicKey, e)),
  fc.integer({ min: 16_000, max: 40_000 }).map((n) => publicKey.padEnd(n, '\n')),
  fc.string({ unit: 'binary' }),
  fc.base64String(),
)
const keyInput = fc.oneof(
  { arbitrary: keyText, weight: 6 },
  fc.constantFrom<unknown>(null, undefined, 42, {}, [publicKey], 'REVOKED_PROXY', 'THROWING_GETTER'),
)
const materialise = (key: unknown) =>
  key === 'REVOKED_PROXY' ? revokedProxy() : key === 'THROWING_GETTER' ? { get cryptoKey() { throw new Error('getter') }, maxPayloadBytes: 190 } : key

describe('hostile keys', () => {
  it('encryptPayload: a typed error, or a ciphertext (never the plaintext) that the real key decrypts when the key is the real one', async () => {
    const { fingerprint } = await importPublicKey(publicKey)
    await fc.assert(
      fc.asyncProperty(keyInput, secret, async (input, pin) => {
        const key = materialise(input)
        const result = await settle(() => encryptPayload(pin, key as string))
        if (!result.ok) return expectTypedAndClean(result.error)
        expect(result.value).toMatch(/^[A-Za-z0-9+/]+={0,2}$/)
        expect(result.value).not.toContain(MARK)
        if ((await importPublicKey(key as string)).fingerprint === fingerprint) expect(nodeDecrypt(result.value, privateKey)).toBe(pin)
      }),
      { numRuns: 200 },
    )
  })
})
