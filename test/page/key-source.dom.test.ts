// The page's key source against a real key endpoint ("your server" in front of a
// real sandbox): it loads, follows rotations, shares requests, and turns every bad
// answer into a typed error before anything could be encrypted or sent.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { createFincodeKeySource, type FincodeKeySnapshot } from '../../src/page/key-source.js'
import { submitWithKeyRecovery } from '../../src/page/recover.js'
import { encryptPayload } from '../../src/index.js'
import { startKeyRotationApp, type KeyRotationApp } from '../helpers/key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js'

let sandbox: TestSandbox
let app: KeyRotationApp
let keyUrl: string

beforeAll(async () => {
  sandbox = await startTestSandbox({ allowedOrigins: [location.origin] })
  app = await startKeyRotationApp(sandbox)
  keyUrl = `${app.url}/api/fincode-key`
})
afterAll(async () => {
  await app?.close()
  await sandbox?.dispose()
})
afterEach(() => app.keyMode('live'))

/** Every snapshot the source publishes, in order. */
function record(source: ReturnType<typeof createFincodeKeySource>) {
  const seen: FincodeKeySnapshot[] = []
  const stop = source.subscribe(() => seen.push(source.getSnapshot()))
  return { seen, stop }
}

test('nothing is fetched until something subscribes or asks; the first subscriber loads the key', async () => {
  const before = app.keyRequests
  const source = createFincodeKeySource(keyUrl)
  expect(source.getSnapshot()).toMatchObject({ status: 'idle', publicKey: null, fingerprint: null, error: null })
  expect(app.keyRequests).toBe(before)

  const { seen, stop } = record(source)
  const key = await source.current()
  expect(key.fingerprint).toBe(sandbox.currentKey().fingerprint)
  expect(seen.map((s) => s.status)).toEqual(['loading', 'ready'])
  expect(source.getSnapshot()).toMatchObject({ status: 'ready', publicKey: key, fingerprint: key.fingerprint, error: null })
  expect(app.keyRequests).toBe(before + 1)
  stop()
})

test('after an out-of-band rotation, refresh() gives the new key; the same key keeps its object', async () => {
  const source = createFincodeKeySource(keyUrl)
  const first = await source.current()
  const again = await source.refresh()
  expect(again, 'unchanged key: the same object, so hooks do not encrypt again').toBe(first)

  const rotated = await sandbox.rotateKey()
  expect(source.getSnapshot().fingerprint, 'a rotation alone changes nothing in the page').toBe(first.fingerprint)
  const fresh = await source.refresh()
  expect(fresh.fingerprint).toBe(rotated.fingerprint)
  expect(fresh).not.toBe(first)
  expect(source.getSnapshot()).toMatchObject({ status: 'ready', fingerprint: rotated.fingerprint })
})

test('concurrent refreshes share one request', async () => {
  const source = createFincodeKeySource(keyUrl)
  await source.current()
  const before = app.keyRequests
  const keys = await Promise.all(Array.from({ length: 10 }, () => source.refresh()))
  expect(app.keyRequests - before).toBe(1)
  expect(new Set(keys).size).toBe(1)
})

test('refresh({ refused }) asks again only when the loaded key is the refused one', async () => {
  const source = createFincodeKeySource(keyUrl)
  const old = await source.current()
  await sandbox.rotateKey()
  let before = app.keyRequests
  const fresh = await source.refresh({ refused: old.fingerprint })
  expect(fresh.fingerprint).toBe(sandbox.currentKey().fingerprint)
  expect(app.keyRequests - before).toBe(1)

  before = app.keyRequests
  expect(await source.refresh({ refused: old.fingerprint }), 'already newer than the refused key').toBe(fresh)
  expect(app.keyRequests).toBe(before)
})

test('a request already running when a rotation is reported, and bringing back the refused key, is followed by one more', async () => {
  let calls = 0
  let releaseFirst!: () => void
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve))
  const oldKey = sandbox.currentKey()
  // A function source: the first call (started before the rotation) answers the old key late.
  const source = createFincodeKeySource(async () => {
    calls++
    if (calls === 2) {
      await firstHeld
      return oldKey.publicKey
    }
    return sandbox.currentKey().publicKey
  })
  await source.current()
  const running = source.refresh() // e.g. the page became visible: call 2, held
  await sandbox.rotateKey()
  const recovered = source.refresh({ refused: oldKey.fingerprint })
  releaseFirst()
  expect((await running).fingerprint).toBe(oldKey.fingerprint)
  expect((await recovered).fingerprint).toBe(sandbox.currentKey().fingerprint)
  expect(calls).toBe(3)
})

test('the key is fetched again when the page becomes visible again', async () => {
  const source = createFincodeKeySource(keyUrl)
  const { stop } = record(source)
  const old = await source.current()
  await sandbox.rotateKey()
  try {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
    document.dispatchEvent(new Event('visibilitychange'))
    expect(source.getSnapshot().status, 'hidden: nothing fetched').toBe('ready')
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' })
    document.dispatchEvent(new Event('visibilitychange'))
    expect(source.getSnapshot().status).toBe('refreshing')
    await expect.poll(() => source.getSnapshot().fingerprint).toBe(sandbox.currentKey().fingerprint)
    expect(source.getSnapshot().fingerprint).not.toBe(old.fingerprint)

    stop() // no subscriber left: visibility is no longer watched
    const before = app.keyRequests
    document.dispatchEvent(new Event('visibilitychange'))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(app.keyRequests).toBe(before)
  } finally {
    delete (document as { visibilityState?: unknown }).visibilityState // back to the prototype's
  }
})

test("the sandbox's own GET /encryption-keys/current (a superset of the endpoint's body) is a usable key endpoint", async () => {
  const source = createFincodeKeySource(`${sandbox.apiUrl}/encryption-keys/current`)
  expect((await source.current()).fingerprint).toBe(sandbox.currentKey().fingerprint)
})

describe('a key endpoint that fails: a typed error in the snapshot, and nothing is encrypted or sent', () => {
  const cases = [
    { mode: 'down', code: 'ERR_KEY_MISSING', message: /could not be loaded from http:\/\/127\.0\.0\.1:\d+\/api\/fincode-key: it answered HTTP 503/ },
    { mode: 'garbage', code: 'ERR_KEY_INVALID', message: /did not answer a JSON object; a key endpoint answers JSON \{ "publicKey"/ },
    { mode: 'private', code: 'ERR_KEY_PRIVATE', message: /serves a private key, which must never reach a page/ },
    { mode: 'ec', code: 'ERR_KEY_UNSUPPORTED', message: /is not usable: publicKey is not an RSA key/ },
  ] as const
  for (const { mode, code, message } of cases) {
    test(`${mode} → ${code}`, async () => {
      app.keyMode(mode)
      const source = createFincodeKeySource(keyUrl)
      const { seen, stop } = record(source)
      await expect(source.current()).rejects.toMatchObject({ name: 'FincodeSecureError', code, message: expect.stringMatching(message) })
      expect(seen.at(-1)).toMatchObject({ status: 'error', publicKey: null, error: { code } })
      stop()

      const posts = app.received.filter((r) => r.method === 'POST').length
      let encrypted = 0
      await expect(
        submitWithKeyRecovery({
          keySource: source,
          encrypt: async (key) => (encrypted++, { transactionPin: await encryptPayload('482913', key) }),
          send: (values) => fetch(`${app.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) }),
        }),
      ).rejects.toMatchObject({ code })
      expect(encrypted).toBe(0)
      expect(app.received.filter((r) => r.method === 'POST')).toHaveLength(posts)
    })
  }

  test('an endpoint that never answers → ERR_KEY_MISSING after timeoutMs, so a submission waiting for a key does not hang', async () => {
    app.keyMode('hang')
    const source = createFincodeKeySource(keyUrl, { timeoutMs: 300 })
    const started = Date.now()
    await expect(source.current()).rejects.toMatchObject({ code: 'ERR_KEY_MISSING', message: expect.stringContaining('it did not answer within 300 ms') })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  test('the endpoint back up: the next call loads the key (an error is not remembered)', async () => {
    app.keyMode('down')
    const source = createFincodeKeySource(keyUrl)
    await expect(source.current()).rejects.toMatchObject({ code: 'ERR_KEY_MISSING' })
    app.keyMode('live')
    expect((await source.current()).fingerprint).toBe(sandbox.currentKey().fingerprint)
    expect(source.getSnapshot()).toMatchObject({ status: 'ready', error: null })
  })

  test('a refresh that fails keeps the last good key next to the error', async () => {
    const source = createFincodeKeySource(keyUrl)
    const good = await source.current()
    app.keyMode('down')
    await expect(source.refresh()).rejects.toMatchObject({ code: 'ERR_KEY_MISSING' })
    expect(source.getSnapshot()).toMatchObject({ status: 'error', publicKey: good, error: { code: 'ERR_KEY_MISSING' } })
  })

  test('an endpoint that names a fingerprint other than its key’s → ERR_KEY_INVALID', async () => {
    const { publicKey } = sandbox.currentKey()
    const source = createFincodeKeySource(() => ({ publicKey, fingerprint: '00'.repeat(32) }))
    await expect(source.current()).rejects.toMatchObject({ code: 'ERR_KEY_INVALID', message: expect.stringMatching(/names fingerprint 0{64} for a key whose fingerprint is [0-9a-f]{64}/) })
  })

  test('a key function that throws something else → ERR_KEY_MISSING with the cause', async () => {
    const failure = new Error('secret store unreachable')
    const source = createFincodeKeySource(() => Promise.reject(failure))
    await expect(source.current()).rejects.toMatchObject({ code: 'ERR_KEY_MISSING', cause: failure })
  })

  test('a source that is neither a URL nor a function is refused at once', () => {
    expect(() => createFincodeKeySource(null as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_INVALID' }))
  })
})
