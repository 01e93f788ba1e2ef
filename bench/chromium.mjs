// Runs bench/suite.mjs in real Chromium: bundles bench/browser.mjs with esbuild,
// serves it from 127.0.0.1 (a secure context, so crypto.subtle exists), and
// drives the page with playwright-core.
import { build } from 'esbuild'
import { createServer } from 'node:http'
import { chromium } from 'playwright-core'
import { CHROMIUM_FLAGS } from '../scripts/chromium-flags.mjs'


const page = (script) =>
  `<!doctype html><meta charset="utf-8"><title>fincode-secure bench</title><link rel="icon" href="data:,"><script type="module" src="${script}"></script>`

async function bundle(entry) {
  const result = await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    // React's development build: its Profiler reports renders (the production build's does not).
    define: { 'process.env.NODE_ENV': '"development"' },
    write: false,
    logLevel: 'warning',
  })
  return result.outputFiles[0].text
}

/** A static server for a few in-memory files. COOP+COEP make the pages cross-origin
 * isolated, which gives performance.now() 5 µs resolution instead of 100 µs. */
function serve(files) {
  const server = createServer((req, res) => {
    const file = files[req.url]
    if (!file) return res.writeHead(404).end()
    res
      .writeHead(200, {
        'content-type': `${file.type}; charset=utf-8`,
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      })
      .end(file.body)
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

/**
 * Counts renders of a PIN form using useEncryptedField while a 6-digit PIN is
 * typed with real key presses, once the key is imported (status settled).
 */
async function reactRenders(browser, origin, publicKey) {
  const tab = await browser.newPage()
  try {
    await tab.goto(`${origin}/react`, { timeout: 30_000 })
    await tab.waitForFunction(() => typeof window.reactBench === 'object', null, { timeout: 30_000 })
    await tab.evaluate((key) => window.reactBench.mount(key), publicKey)
    await tab.waitForFunction(() => window.reactBench.state().fingerprint !== null, null, { timeout: 30_000 })
    await tab.waitForTimeout(100) // let any render the import scheduled settle before counting
    const settled = await tab.evaluate(() => window.reactBench.state())
    await tab.evaluate(() => window.reactBench.resetCounts())
    await tab.click('[data-testid=pin]')
    await tab.keyboard.type(PIN, { delay: 30 })
    await tab.waitForTimeout(200)
    const counts = await tab.evaluate(() => window.reactBench.counts())
    const typed = await tab.$eval('[data-testid=pin]', (input) => input.value.length)
    // The same keystrokes into a controlled input, whose renders the Profiler must see.
    await tab.click('[data-testid=control]')
    await tab.keyboard.type(PIN, { delay: 30 })
    await tab.waitForTimeout(200)
    const { controlCommits } = await tab.evaluate(() => window.reactBench.counts())
    return { keystrokes: PIN.length, typedLength: typed, statusBefore: settled.status, ...counts, controlCommits }
  } finally {
    await tab.close().catch(() => {})
  }
}

const PIN = '482915'

/**
 * @param options.reactKey  a key text: also count the React hook's renders (needs dist/react)
 * @returns the suite's results, plus the browser's version and timer facts
 */
export async function runChromium(keys, options, { reactKey, timeoutMs = 150_000 } = {}) {
  const files = {
    '/': { type: 'text/html', body: page('/bench.js') },
    '/bench.js': { type: 'text/javascript', body: await bundle('./browser.mjs') },
  }
  if (reactKey) {
    files['/react'] = { type: 'text/html', body: page('/react.js') }
    files['/react.js'] = { type: 'text/javascript', body: await bundle('./react-page.jsx') }
  }
  const server = await serve(files)
  let browser
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, timeout: 60_000 })
    const origin = `http://127.0.0.1:${server.address().port}`
    const tab = await browser.newPage()
    tab.on('console', (message) => console.error(`  ${message.text()}`))
    tab.on('pageerror', (error) => console.error(`  chromium page error: ${error.message}`))
    await tab.goto(`${origin}/`, { timeout: 30_000 })
    await tab.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 30_000 })
    const facts = await tab.evaluate(() => ({ crossOriginIsolated: globalThis.crossOriginIsolated, userAgent: navigator.userAgent }))
    const results = await withTimeout(
      tab.evaluate(([k, o]) => window.runBench(k, o), [keys, options]),
      timeoutMs,
      'the Chromium benchmark',
    )
    await tab.close()
    const react = reactKey ? await withTimeout(reactRenders(browser, origin, reactKey), 60_000, 'the React render count') : undefined
    return { runtime: { name: 'Chromium', version: browser.version(), ...facts }, ...results, react }
  } finally {
    await browser?.close().catch(() => {})
    server.close()
  }
}
