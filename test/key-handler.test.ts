// createPublicKeyHandler: the key endpoint a page loads the organisation key from.
// Called with fetch Requests, as Next.js, Hono, Workers, Deno.serve and Bun.serve
// call it; test/examples/key-endpoint-*.ts run it behind Node's http and Express.
import { createHash, generateKeyPairSync } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { importPublicKey, isFincodeSecureError } from '../src/index.js'
import { createPublicKeyHandler } from '../src/server/index.js'
import { testKeyPair } from './helpers/keys.js'

const key2048 = testKeyPair(2048)
const key4096 = testKeyPair(4096)
const fingerprintOf = (base64Spki: string) => createHash('sha256').update(Buffer.from(base64Spki, 'base64')).digest('hex')
const URL_ = 'https://shop.example/api/fincode-key'
const get = (headers: Record<string, string> = {}, method = 'GET') => new Request(URL_, { method, headers })

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** A promise and its resolve function: a key source that answers when the test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('GET', () => {
  test('200 with { publicKey, fingerprint, modulusLength }, a strong ETag and Cache-Control: no-cache', async () => {
    const response = await createPublicKeyHandler(key2048.publicKey)(get())
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    const fingerprint = fingerprintOf(key2048.publicKey)
    expect(response.headers.get('etag')).toBe(`"${fingerprint}"`)
    // Exactly these three members: nothing else (no token, no private part) can ride along.
    expect(await response.json()).toStrictEqual({ publicKey: key2048.publicKey, fingerprint, modulusLength: 2048 })
  })

  test('a PEM source, or an imported key, is served as the one-line Base64 SPKI the dashboard shows', async () => {
    for (const source of [key4096.publicPem, await importPublicKey(key4096.publicKey)]) {
      const body = await (await createPublicKeyHandler(source)(get())).json()
      expect(body).toStrictEqual({ publicKey: key4096.publicKey, fingerprint: fingerprintOf(key4096.publicKey), modulusLength: 4096 })
    }
  })

  test('what the page makes of the body is the same key: importPublicKey gives the served fingerprint', async () => {
    const body = await (await createPublicKeyHandler(key2048.publicPem)(get())).json()
    expect((await importPublicKey(body.publicKey)).fingerprint).toBe(body.fingerprint)
  })
})

describe('conditional requests', () => {
  const fingerprint = fingerprintOf(key2048.publicKey)
  const handler = createPublicKeyHandler(key2048.publicKey)

  test.each([
    ['the ETag itself', `"${fingerprint}"`],
    ['a list holding it', `"0000", "${fingerprint}" , "ffff"`],
    ['its weak form (a proxy that compressed the body)', `W/"${fingerprint}"`],
    ['*', '*'],
  ])('If-None-Match with %s: 304, no body, the same ETag and Cache-Control', async (_, ifNoneMatch) => {
    const response = await handler(get({ 'If-None-Match': ifNoneMatch }))
    expect(response.status).toBe(304)
    expect(await response.text()).toBe('')
    expect(response.headers.get('etag')).toBe(`"${fingerprint}"`)
    expect(response.headers.get('cache-control')).toBe('no-cache')
  })

  test.each([
    ['another key', `"${'0'.repeat(64)}"`],
    ['the fingerprint unquoted', fingerprint],
    ['an empty header', ''],
  ])('If-None-Match with %s: 200 and the key', async (_, ifNoneMatch) => {
    const response = await handler(get({ 'If-None-Match': ifNoneMatch }))
    expect(response.status).toBe(200)
    expect((await response.json()).fingerprint).toBe(fingerprint)
  })
})

describe('methods', () => {
  test('HEAD: the headers of GET, no body', async () => {
    const response = await createPublicKeyHandler(key2048.publicKey)(get({}, 'HEAD'))
    expect(response.status).toBe(200)
    expect(response.headers.get('etag')).toBe(`"${fingerprintOf(key2048.publicKey)}"`)
    expect(response.headers.get('cache-control')).toBe('no-cache')
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.text()).toBe('')
  })

  test.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('%s: 405 with Allow: GET, HEAD, and the key source is not called', async (method) => {
    let calls = 0
    const response = await createPublicKeyHandler(() => (calls++, key2048.publicKey))(get({}, method))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD')
    expect(await response.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } })
    expect(calls).toBe(0)
  })

  test('something that is not a fetch Request is refused with ERR_CONFIG_INVALID pointing to the Node and Express recipes', async () => {
    const handler = createPublicKeyHandler(key2048.publicKey)
    const error = await rejection(handler({ url: '/api/fincode-key' } as unknown as Request))
    expect(error.code).toBe('ERR_CONFIG_INVALID')
    expect(error.message).toMatch(/docs\/key-rotation\.md/)
  })
})

describe('a function source', () => {
  test('is called on every request, so a key updated after a rotation is served at once (and the old ETag no longer matches)', async () => {
    let current = key2048.publicKey
    let calls = 0
    const handler = createPublicKeyHandler(() => (calls++, current))
    const first = await handler(get())
    const oldTag = first.headers.get('etag')!
    expect(await first.json()).toMatchObject({ publicKey: key2048.publicKey })

    current = key4096.publicKey
    const second = await handler(get({ 'If-None-Match': oldTag }))
    expect(second.status).toBe(200)
    expect(await second.json()).toMatchObject({ publicKey: key4096.publicKey, modulusLength: 4096 })
    expect(calls).toBe(2)
    expect((await handler(get({ 'If-None-Match': second.headers.get('etag')! }))).status).toBe(304)
    expect(calls).toBe(3)
  })

  test('concurrent requests share one call; the next request after it settled calls again', async () => {
    const answer = deferred<string>()
    let calls = 0
    const handler = createPublicKeyHandler(() => (calls++, answer.promise))
    const responses = Promise.all([handler(get()), handler(get()), handler(get({}, 'HEAD')), handler(get({ 'If-None-Match': '*' }))])
    answer.resolve(key2048.publicKey)
    expect((await responses).map((r) => r.status)).toEqual([200, 200, 200, 304])
    expect(calls).toBe(1)
    await handler(get())
    expect(calls).toBe(2)
  })

  test('a rejected call is shared by the requests waiting on it, and not remembered: the next request calls again', async () => {
    let calls = 0
    let fail = true
    const handler = createPublicKeyHandler(async () => {
      calls++
      if (fail) throw new Error('secret store unreachable')
      return key2048.publicKey
    })
    const errors = await Promise.all([rejection(handler(get())), rejection(handler(get()))])
    expect(calls).toBe(1)
    for (const error of errors) {
      expect(error.code).toBe('ERR_KEY_INVALID')
      expect(error.message).toMatch(/publicKey function threw or rejected/)
      expect(error.cause.message).toBe('secret store unreachable')
    }
    fail = false
    expect((await handler(get())).status).toBe(200)
    expect(calls).toBe(2)
  })
})

describe('never private material', () => {
  const rsaPrivate = key2048.privateKey
  const privateSources: [string, () => unknown][] = [
    ['a PKCS#8 PEM', () => key2048.privatePem],
    ['a PKCS#1 PEM', () => rsaPrivate.export({ type: 'pkcs1', format: 'pem' }).toString()],
    ['PKCS#8 as Base64 DER', () => rsaPrivate.export({ type: 'pkcs8', format: 'der' }).toString('base64')],
    ['a function returning a PKCS#8 PEM', () => () => key2048.privatePem],
  ]

  test.each(privateSources)('%s as the source: ERR_KEY_PRIVATE from the request, nothing served, no key material in the message', async (_, make) => {
    const handler = createPublicKeyHandler(make() as string)
    const error = await rejection(handler(get()))
    expect(isFincodeSecureError(error)).toBe(true)
    expect(error.code).toBe('ERR_KEY_PRIVATE')
    const privateBase64 = rsaPrivate.export({ type: 'pkcs8', format: 'der' }).toString('base64')
    expect(error.message).not.toContain(privateBase64.slice(40, 80))
  })

  test('an object posing as an imported key whose SPKI bytes are really a private key: ERR_KEY_PRIVATE, its bytes are not served', async () => {
    const genuine = await importPublicKey(key2048.publicKey)
    const privateDer = new Uint8Array(rsaPrivate.export({ type: 'pkcs8', format: 'der' }))
    const impostor = { ...genuine, spki: privateDer }
    const error = await rejection(createPublicKeyHandler(impostor)(get()))
    expect(error.code).toBe('ERR_KEY_PRIVATE')
  })

  test('an EC key: ERR_KEY_UNSUPPORTED; a 1024-bit key: ERR_KEY_TOO_SMALL; garbage: ERR_KEY_INVALID', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
    expect((await rejection(createPublicKeyHandler(ec)(get()))).code).toBe('ERR_KEY_UNSUPPORTED')
    expect((await rejection(createPublicKeyHandler(testKeyPair(1024).publicKey)(get()))).code).toBe('ERR_KEY_TOO_SMALL')
    expect((await rejection(createPublicKeyHandler(() => 'not a key')(get()))).code).toBe('ERR_KEY_INVALID')
  })

  test.each([undefined, null, '', 42])('no usable source (%s) is refused at creation with ERR_KEY_INVALID', (source) => {
    expect(() => createPublicKeyHandler(source as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }))
  })
})
