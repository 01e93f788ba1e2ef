// The demo's backend (demo/backend.mjs) without a browser: its key endpoint is the
// library's createPublicKeyHandler, and its change-PIN route reads the page's
// ciphertexts with readEncryptedFields and answers a rotated key with the
// rotated-key answer — also when the rotation lands between its own check and
// the sandbox's answer, which a browser test cannot time.
import { createServer, type Server } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
// @ts-expect-error demo/backend.mjs is plain JavaScript without declarations
import { createDemoBackend } from '../../demo/backend.mjs'
import { encryptPayload, importPublicKey, readKeyRotated, type FincodePublicKey } from '../../src/index.js'
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js'

let sandbox: TestSandbox
let server: Server
let base: string

beforeAll(async () => {
  sandbox = await startTestSandbox()
  const backend = (await createDemoBackend(sandbox, { cashierEmail: 'cashier@example.com' })) as {
    middleware: (req: unknown, res: unknown, next: () => void) => void
  }
  server = createServer((req, res) => backend.middleware(req, res, () => res.writeHead(404).end()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://localhost:${(server.address() as { port: number }).port}/demo-api`
})
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await sandbox?.dispose()
})
afterEach(() => vi.restoreAllMocks())

const currentKey = async () => importPublicKey(sandbox.currentKey().publicKey)

/** The PIN form's values as the page sends them: ciphertexts and the key's fingerprint. */
async function pinValues(key: FincodePublicKey, current: string, next: string) {
  return {
    userPin: await encryptPayload(current, key),
    transactionPin: await encryptPayload(next, key),
    'confirmation.transactionPin': await encryptPayload(next, key),
    fincodeKeyFingerprint: key.fingerprint,
  }
}

/** What the page's fetch does (the real global fetch, from Node), as a JSON POST. */
const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('GET /demo-api/key: createPublicKeyHandler over the sandbox’s current key', () => {
  test('the key, its ETag, 304, HEAD and 405; a rotation is served at once', async () => {
    const key = await currentKey()
    const answer = await fetch(`${base}/key`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('etag')).toBe(`"${key.fingerprint}"`)
    expect(answer.headers.get('cache-control')).toBe('no-cache')
    expect(await answer.json()).toEqual({ publicKey: sandbox.currentKey().publicKey, fingerprint: key.fingerprint, modulusLength: 2048 })
    expect((await fetch(`${base}/key`, { headers: { 'if-none-match': `"${key.fingerprint}"` } })).status).toBe(304)
    const head = await fetch(`${base}/key`, { method: 'HEAD' })
    expect([head.status, await head.text()]).toEqual([200, ''])
    const refused = await fetch(`${base}/key`, { method: 'DELETE' })
    expect([refused.status, refused.headers.get('allow')]).toEqual([405, 'GET, HEAD'])

    const rotated = await sandbox.rotateKey()
    const after = await fetch(`${base}/key`, { headers: { 'if-none-match': `"${key.fingerprint}"` } })
    expect(after.status).toBe(200)
    expect((await after.json()).fingerprint).toBe(rotated.fingerprint)
  })
})

describe('POST /demo-api/change-pin', () => {
  test('ciphertexts of the current key: forwarded as they are (fields: []), the PIN changes, the attempt shows the wire', async () => {
    const key = await currentKey()
    const answer = await post('/change-pin', await pinValues(key, '0000', '271828'))
    expect(answer.status).toBe(200)
    const attempt = await answer.json()
    expect(attempt).toMatchObject({ ok: true, status: 200, keyFingerprint: key.fingerprint })
    expect(attempt.verdicts.map((v: { decrypted: boolean }) => v.decrypted)).toEqual([true, true, true])
    expect(attempt.wire.url).toBe(`${sandbox.apiUrl}/services/change-pin`)
    expect(attempt.wire.body.confirmation.transactionPin).toMatch(/^[A-Za-z0-9+/]{342}==$/)
  })

  test('a fingerprint that is not the current key’s: 409 KEY_ROTATED before anything reaches the sandbox', async () => {
    const old = await currentKey()
    const values = await pinValues(old, '271828', '314159')
    const rotated = await sandbox.rotateKey()
    const sends = vi.spyOn(globalThis, 'fetch')
    const answer = await post('/change-pin', values)
    expect(answer.status).toBe(409)
    expect((await readKeyRotated(answer))?.code).toBe('ERR_KEY_ROTATED')
    const body = await answer.json()
    expect(body.error).toMatchObject({ code: 'KEY_ROTATED', fingerprint: rotated.fingerprint })
    expect(body.attempt).toMatchObject({ ok: false, wire: null, status: 409, keyFingerprint: old.fingerprint, currentKeyFingerprint: rotated.fingerprint })
    expect(sends.mock.calls.map(([url]) => String(url)).filter((url) => url.includes('/services/'))).toEqual([])
  })

  test('a rotation between the backend’s check and the sandbox’s answer: the sandbox’s KEY_ROTATED becomes the same 409, with the wire', async () => {
    const key = await currentKey()
    const values = await pinValues(key, '271828', '314159')
    const realFetch = globalThis.fetch
    let newest = ''
    // The key is rotated just before the backend's request reaches the sandbox's service.
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (String(input).endsWith('/services/change-pin')) newest = (await sandbox.rotateKey()).fingerprint
      return realFetch(input, init)
    })
    const answer = await post('/change-pin', values)
    expect(answer.status).toBe(409)
    const body = await answer.json()
    expect(body.error).toMatchObject({ code: 'KEY_ROTATED', fingerprint: newest })
    expect(body.attempt).toMatchObject({ ok: false, status: 409, keyFingerprint: key.fingerprint, error: { serverCode: 'KEY_ROTATED' } })
    expect(body.attempt.wire.url).toBe(`${sandbox.apiUrl}/services/change-pin`)
    expect(body.attempt.verdicts.map((v: { reason?: string }) => v.reason)).toEqual(['rotated-key', 'rotated-key', 'rotated-key'])
    // The PIN did not change: the same PINs, encrypted again with the new key, are accepted (no rotation this time).
    vi.restoreAllMocks()
    const retry = await post('/change-pin', await pinValues(await currentKey(), '271828', '314159'))
    expect(retry.status).toBe(200)
  })

  test('a plaintext PIN instead of a ciphertext: 400 naming the field, the value neither forwarded nor echoed', async () => {
    const key = await currentKey()
    const values = { ...(await pinValues(key, '314159', '161803')), transactionPin: '161803' }
    const sends = vi.spyOn(globalThis, 'fetch')
    const answer = await post('/change-pin', values)
    expect(answer.status).toBe(400)
    const text = await answer.text()
    expect(JSON.parse(text).error).toMatchObject({ code: 'ERR_PAYLOAD_INVALID', message: expect.stringContaining('transactionPin') })
    expect(text).not.toContain('161803')
    expect(sends.mock.calls.map(([url]) => String(url)).filter((url) => url.includes('/services/'))).toEqual([])
  })
})
