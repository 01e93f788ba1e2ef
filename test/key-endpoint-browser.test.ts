// What a real browser does with the key endpoint's ETag and Cache-Control: no-cache
// (docs/key-rotation.md): it keeps the key, asks on every fetch whether it is still
// current (If-None-Match), gets a body-less 304 while it is, and the new key at once
// after a rotation. Chromium, against the Node http recipe.
import { createServer, type Server } from 'node:http'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CHROMIUM_FLAGS } from '../vite.config.js'
import { serveFincodeKey } from './examples/key-endpoint/node-http.js'
import { browserAvailable, CHROMIUM, missingFile } from './helpers/browsers.js'
import { testKeyPair } from './helpers/keys.js'

const run = browserAvailable('Chromium', missingFile(CHROMIUM, 'chromium'))

describe.skipIf(!run)('the key endpoint in Chromium', { timeout: 60_000 }, () => {
  const seen: { ifNoneMatch: string | undefined; status: number }[] = []
  let server: Server
  let origin: string
  let browser: Browser | undefined

  beforeAll(async () => {
    process.env.FINCODE_PUBLIC_KEY = testKeyPair(2048).publicKey
    server = createServer((req, res) => {
      if (req.url === '/') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>shop</title>')
      if (req.url !== '/api/fincode-key') return void res.writeHead(404).end() // the favicon
      res.on('finish', () => seen.push({ ifNoneMatch: req.headers['if-none-match'], status: res.statusCode }))
      void serveFincodeKey(req, res)
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 60_000 })
  })
  afterAll(async () => {
    await browser?.close()
    await new Promise<void>((done) => server.close(() => done()))
  })

  test('revalidates on every fetch: 304 while the key is unchanged, the new key at once after a rotation', async () => {
    const page = await browser!.newPage()
    await page.goto(`${origin}/`)
    const load = () => page.evaluate(async () => (await (await fetch('/api/fincode-key')).json()) as { publicKey: string; fingerprint: string })

    const first = await load()
    const second = await load()
    expect(second).toEqual(first) // the page sees the key both times…
    expect(seen).toEqual([
      { ifNoneMatch: undefined, status: 200 },
      { ifNoneMatch: `"${first.fingerprint}"`, status: 304 }, // …but the second time only a 304 crossed the wire
    ])

    process.env.FINCODE_PUBLIC_KEY = testKeyPair(4096).publicKey // the operator updated the key
    const third = await load()
    expect(third.publicKey).toBe(testKeyPair(4096).publicKey)
    expect(seen[2]).toEqual({ ifNoneMatch: `"${first.fingerprint}"`, status: 200 })
  })
})
