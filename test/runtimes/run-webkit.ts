// WebKitGTK: MiniBrowser driven by WebKitWebDriver, spoken to in plain W3C
// WebDriver over fetch. MiniBrowser has no headless mode, so the runner starts
// its own Xvfb; `-displayfd` lets Xvfb pick a free display (several worktrees
// may run the matrix at once), rather than assuming :99 is free.
import { existsSync } from 'node:fs'
import { pageReport, pageUrl, type Runtime } from './matrix.js'
import { abortable, freePort, sleep, startProcess, withTimeout, type Proc } from './processes.js'

const DRIVER = '/usr/bin/WebKitWebDriver'
const XVFB = '/usr/bin/Xvfb'
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

/** Starts Xvfb and resolves with the display number it chose. */
async function startXvfb(signal: AbortSignal): Promise<{ proc: Proc; display: string }> {
  const proc = startProcess(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  })
  try {
    const display = await abortable(
      withTimeout(
        new Promise<string>((resolve, reject) => {
          proc.pipe(3)?.on('data', (chunk: Buffer) => {
            const number = chunk.toString().trim()
            if (/^\d+$/.test(number)) resolve(`:${number}`)
          })
          void proc.exited.then((code) => reject(new Error(`Xvfb exited with ${code}: ${proc.output()}`)))
        }),
        20_000,
        'Xvfb start',
      ),
      signal,
    )
    return { proc, display }
  } catch (error) {
    await proc.kill()
    throw error
  }
}

async function webdriver<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  })
  const json = (await response.json()) as { value: T & { error?: string; message?: string } }
  if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${response.status} ${json.value?.error}: ${json.value?.message}`)
  return json.value
}

async function waitForDriver(base: string, driver: Proc, signal: AbortSignal): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (signal.aborted) throw signal.reason as Error
    try {
      const status = await webdriver<{ ready?: boolean }>(base, 'GET', '/status')
      if (status.ready !== false) return
    } catch {
      // not listening yet
    }
    if ((await Promise.race([driver.exited.then(() => true), sleep(100).then(() => false)])) === true) {
      throw new Error(`WebKitWebDriver exited: ${driver.output()}`)
    }
  }
  throw new Error(`WebKitWebDriver did not answer on ${base} within 20 s: ${driver.output()}`)
}

export const webkit: Runtime = {
  label: 'WebKitGTK',
  kind: 'browser',
  fromRuntimePackages: false,
  missing() {
    if (!existsSync(DRIVER)) return `${DRIVER} not found (apt-get install webkit2gtk-driver)`
    if (!existsSync(MINIBROWSER)) return `${MINIBROWSER} not found (apt-get install libwebkit2gtk-4.1-0)`
    if (!existsSync(XVFB)) return `${XVFB} not found (apt-get install xvfb)`
    return undefined
  },
  async run(matrix, context) {
    const xvfb = await startXvfb(context.signal)
    let driver: Proc | undefined
    let session: string | undefined
    const base = `http://127.0.0.1:${await freePort()}`
    try {
      driver = startProcess(DRIVER, [`--port=${new URL(base).port}`, '--host=local'], { env: { ...process.env, DISPLAY: xvfb.display } })
      await waitForDriver(base, driver, context.signal)
      const created = await abortable(
        webdriver<{ sessionId: string; capabilities: { browserVersion?: string } }>(base, 'POST', '/session', {
          capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
        }),
        context.signal,
      )
      session = created.sessionId
      await abortable(webdriver(base, 'POST', `/session/${session}/url`, { url: pageUrl(matrix, context) }), context.signal)
      const report = await pageReport(matrix, context, [])
      return { version: created.capabilities.browserVersion ?? 'unknown', report }
    } finally {
      if (session) await webdriver(base, 'DELETE', `/session/${session}`).catch(() => undefined)
      await driver?.kill()
      await xvfb.proc.kill()
    }
  },
}
