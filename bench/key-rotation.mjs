// Key rotation in the page, timed in real Chromium against the sandbox: the key is
// rotated out of band while a PIN is typed, the form is submitted, the app's server
// (test/helpers/key-rotation-app.ts, bundled for Node here) forwards to the sandbox and
// answers 409; the page fetches the new key, encrypts again and resubmits. Measured:
// from the refusal's arrival in the page to the accepted resubmission's arrival.
import { build } from 'esbuild'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { CHROMIUM_FLAGS } from '../scripts/chromium-flags.mjs'
import { startSandbox } from '../dist/sandbox/index.js'

const bundle = async (entry, platform) =>
  (await build({ entryPoints: [new URL(entry, import.meta.url).pathname], bundle: true, format: 'esm', platform, target: 'es2022', minify: platform === 'browser', write: false, logLevel: 'warning', ...(platform === 'node' ? { packages: 'external' } : {}) }))
    .outputFiles[0].text

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), min: sorted[0], max: sorted.at(-1) }
}

/** @returns {{ rounds: number, keyBits: number, toAccepted: object, toNewKey: object, browser: string }} times in ms */
export async function runKeyRotation({ rounds = 20, warmup = 3, timeoutMs = 120_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fincode-bench-rotation-'))
  let sandbox, app, browser, pageServer
  try {
    sandbox = await startSandbox({ port: 0, dataDir: join(dir, 'sandbox') })
    const appModule = join(dir, 'app.mjs')
    writeFileSync(appModule, await bundle('../test/helpers/key-rotation-app.ts', 'node'))
    const { startKeyRotationApp } = await import(pathToFileURL(appModule).href)
    app = await startKeyRotationApp(sandbox)
    const script = await bundle('./key-rotation-page.mjs', 'browser')
    pageServer = createServer((req, res) =>
      req.url === '/rotation.js'
        ? res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
        : res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/rotation.js"></script>'),
    )
    await new Promise((resolve) => pageServer.listen(0, '127.0.0.1', resolve))
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, timeout: 60_000 })
    const tab = await browser.newPage()
    tab.on('pageerror', (error) => console.error(`  chromium page error: ${error.message}`))
    await tab.exposeFunction('benchRotate', async () => void (await sandbox.rotateKey()))
    await tab.goto(`http://127.0.0.1:${pageServer.address().port}/`, { timeout: 30_000 })
    await tab.waitForFunction(() => typeof window.rotationBench === 'object', null, { timeout: 30_000 })
    const samples = []
    const deadline = Date.now() + timeoutMs
    for (let i = 0; i < warmup + rounds; i++) {
      if (Date.now() > deadline) throw new Error(`the key-rotation benchmark took longer than ${timeoutMs / 1000} s`)
      const sample = await tab.evaluate((url) => window.rotationBench.round(url), app.url)
      if (i >= warmup) samples.push(sample)
    }
    return {
      rounds,
      warmup,
      keyBits: sandbox.currentKey().modulusLength,
      toAccepted: summary(samples.map((s) => s.toAccepted)),
      toNewKey: summary(samples.map((s) => s.toNewKey)),
      browser: browser.version(),
    }
  } finally {
    await browser?.close().catch(() => {})
    pageServer?.close()
    await app?.close()
    await sandbox?.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The section of docs/benchmarks.md. */
export function rotationSection(result) {
  const ms = (v) => v.toFixed(1)
  const row = (what, s) => `| ${what} | ${ms(s.median)} | ${ms(s.p90)} | ${ms(s.min)}–${ms(s.max)} |`
  return `In Chromium ${result.browser} against the sandbox (RSA-${result.keyBits}): a page loads its key from the app's key endpoint; the key is rotated out of band; the form is submitted with \`submitWithKeyRecovery\`; the app's server (test/helpers/key-rotation-app.ts) forwards the ciphertexts to the sandbox, which refuses the old key, and answers the page 409 \`KEY_ROTATED\`. The page then fetches the key again, encrypts what the input holds with it and sends again; the sandbox accepts. Times in ms from the arrival of the 409 in the page, ${result.rounds} rounds after ${result.warmup} warm-up rounds; every round checked to be exactly one refusal then one acceptance.

| from the refusal's arrival to… | median ms | p90 ms | min–max ms |
|---|--:|--:|--:|
${row('the new key in hand (key endpoint fetched, key imported)', result.toNewKey)}
${row('the resubmission accepted (encrypted again, forwarded, decrypted by the sandbox, answered)', result.toAccepted)}`
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runKeyRotation()
  console.log(rotationSection(result))
}
