// A sandbox, "your server" and a page for the key-rotation tests in browsers that
// vitest's browser mode does not drive here (Firefox ESR, WebKitGTK).
import { build } from 'esbuild'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startKeyRotationApp, type KeyRotationApp } from '../helpers/key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js'
import { holdsSecret } from '../helpers/secret-search.js'
import { expect, test } from 'vitest'
import type { EngineRun } from './engine-page.js'

export interface EngineRig {
  pageUrl: string
  appUrl: string
  app: KeyRotationApp
  sandbox: TestSandbox
  close(): Promise<void>
}

export async function startEngineRig(): Promise<EngineRig> {
  const script = (
    await build({ entryPoints: [new URL('./engine-page.ts', import.meta.url).pathname], bundle: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, logLevel: 'warning' })
  ).outputFiles[0]!.text
  const sandbox = await startTestSandbox()
  const app = await startKeyRotationApp(sandbox)
  const pages = createServer((req, res) =>
    req.url === '/page.js'
      ? res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      : res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>'),
  )
  await new Promise<void>((done) => pages.listen(0, '127.0.0.1', done))
  return {
    pageUrl: `http://127.0.0.1:${(pages.address() as AddressInfo).port}/`,
    appUrl: app.url,
    app,
    sandbox,
    async close() {
      pages.closeAllConnections()
      await new Promise<void>((done) => pages.close(() => done()))
      await app.close()
      await sandbox.dispose()
    },
  }
}

/**
 * The recovery scenarios every engine runs against the rig: `submitAfter(n)` rotates the key n times out of
 * band with the PIN filled, submits, and returns what the page saw. Defined once, driven by each browser's file.
 */
export function defineEngineRotationTests(rig: () => EngineRig, submitAfter: (rotations: number) => Promise<EngineRun>): void {
  test('PIN filled, key rotated out of band, submit: refused once, accepted with the new key; the input still holds the PIN', async () => {
    const result = await submitAfter(1)
    expect(result).toMatchObject({ statuses: [409, 200], accepted: true, inputAfter: '482913', error: null })
    expect(result.used[1]).toBe(result.rotatedTo[0])
    expect(result.used[0]).not.toBe(result.used[1])
    for (const { body } of rig().app.received) expect(holdsSecret(body, '482913'), body).toBe(false)
  })

  test('two rotations in a row: the retry uses the newest key', async () => {
    const result = await submitAfter(2)
    expect(result).toMatchObject({ statuses: [409, 200], accepted: true, error: null })
    expect(result.used[1]).toBe(result.rotatedTo[1])
  })
}
