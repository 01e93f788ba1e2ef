// Runs bench/suite.mjs in real Chromium: bundles bench/browser.mjs with esbuild,
// serves it from 127.0.0.1 (a secure context, so crypto.subtle exists), and
// drives the page with playwright-core.
import { build } from 'esbuild'
import { createServer } from 'node:http'
import { chromium } from 'playwright-core'

// The flags of vite.config.ts's CHROMIUM_FLAGS (Debian's Chromium, no outside
// network); copied because importing the vitest config would load vitest here.
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const PAGE = '<!doctype html><meta charset="utf-8"><title>fincode-secure bench</title><link rel="icon" href="data:,"><script type="module" src="/bench.js"></script>'

async function bundle() {
  const result = await build({
    entryPoints: [new URL('./browser.mjs', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'warning',
  })
  return result.outputFiles[0].text
}

/** A two-file static server. COOP+COEP make the page cross-origin isolated, which
 * gives performance.now() 5 µs resolution instead of 100 µs. */
function serve(script) {
  const server = createServer((req, res) => {
    const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...isolation }).end(PAGE)
    else if (req.url === '/bench.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...isolation }).end(script)
    else res.writeHead(404).end()
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** @returns the suite's results, plus the browser's version and timer facts. */
export async function runChromium(keys, options, { timeoutMs = 150_000 } = {}) {
  const script = await bundle()
  const server = await serve(script)
  let browser
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, timeout: 60_000 })
    const page = await browser.newPage()
    page.on('console', (message) => console.error(`  ${message.text()}`))
    page.on('pageerror', (error) => console.error(`  chromium page error: ${error.message}`))
    const { port } = server.address()
    await page.goto(`http://127.0.0.1:${port}/`, { timeout: 30_000 })
    await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 30_000 })
    const facts = await page.evaluate(() => ({ crossOriginIsolated: globalThis.crossOriginIsolated, userAgent: navigator.userAgent }))
    const results = await withTimeout(
      page.evaluate(([k, o]) => window.runBench(k, o), [keys, options]),
      timeoutMs,
      'the Chromium benchmark',
    )
    return { runtime: { name: 'Chromium', version: browser.version(), ...facts }, ...results }
  } finally {
    await browser?.close().catch(() => {})
    server.close()
  }
}
