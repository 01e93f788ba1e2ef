// A sandbox, "your server" and a page for the key-rotation tests in browsers that
// vitest's browser mode does not drive here (Firefox ESR, WebKitGTK).
import { build } from 'esbuild'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startKeyRotationApp, type KeyRotationApp } from '../helpers/key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js'

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
