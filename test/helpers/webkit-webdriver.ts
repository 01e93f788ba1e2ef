// WebKitGTK's MiniBrowser driven by WebKitWebDriver over the W3C WebDriver
// protocol with plain fetch, on its own Xvfb (MiniBrowser has no headless mode).
// The one WebKit driver: the demo's e2e test and the runtime matrix
// (test/runtimes/run-webkit.ts) both use it. ../shared/notes/runtimes.md has the recipe.
//
// Every process runs in its own process group (test/runtimes/processes.ts), so
// close() kills MiniBrowser and WebKit's helper processes with the driver.
// `-displayfd` lets Xvfb pick a free display: several worktrees may run at once.
import { existsSync } from 'node:fs'
import { abortable, freePort, sleep, startProcess, type Proc } from '../runtimes/processes.js'

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver'
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'
export const XVFB = '/usr/bin/Xvfb'

/** What is missing to run WebKitGTK here (with the apt package to install), or null when everything is there. */
export function webkitMissing(): string | null {
  if (!existsSync(WEBKIT_DRIVER)) return `${WEBKIT_DRIVER} not found (apt-get install webkit2gtk-driver)`
  if (!existsSync(MINIBROWSER)) return `${MINIBROWSER} not found (apt-get install libwebkit2gtk-4.1-0)`
  if (!existsSync(XVFB)) return `${XVFB} not found (apt-get install xvfb)`
  return null
}

export interface WebKitSession {
  /** What the session reports as its browserVersion, or 'unknown'. */
  browserVersion: string
  navigate(url: string): Promise<void>
  /** Runs a function body in the page (`return …`); arguments arrive as `arguments[i]`. */
  execute<T>(body: string, ...args: unknown[]): Promise<T>
  find(css: string): Promise<string>
  click(css: string): Promise<void>
  type(css: string, text: string): Promise<void>
  /** Polls `body` until it returns something truthy. */
  waitFor<T>(body: string, what: string, timeoutMs?: number): Promise<T>
  screenshot(): Promise<Buffer>
  /** Ends the session and kills the driver's and Xvfb's process groups. Safe to call twice. */
  close(): Promise<void>
}

export interface LaunchOptions {
  /** The whole launch (Xvfb, driver, session) gives up after this long. Default 60 s. */
  timeoutMs?: number
  /** Aborts the launch (e.g. the runtime matrix's deadline); what was started is stopped. */
  signal?: AbortSignal
}

/** One W3C WebDriver command; `signal` bounds it (default 60 s). */
async function command<T>(base: string, method: string, path: string, body?: unknown, signal: AbortSignal = AbortSignal.timeout(60_000)): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  })
  const json = (await response.json()) as { value: T & { error?: string; message?: string } }
  if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${response.status} ${json.value?.error}: ${json.value?.message}`)
  return json.value
}

/** Starts Xvfb and resolves with the display it chose (":N"). */
async function startXvfb(signal: AbortSignal): Promise<{ proc: Proc; display: string }> {
  const proc = startProcess(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  })
  try {
    const display = await abortable(
      new Promise<string>((resolve, reject) => {
        proc.pipe(3)?.on('data', (chunk: Buffer) => {
          const number = chunk.toString().trim()
          if (/^\d+$/.test(number)) resolve(`:${number}`)
        })
        void proc.exited.then((code) => reject(new Error(`Xvfb exited with ${code}: ${proc.output()}`)))
      }),
      signal,
    )
    return { proc, display }
  } catch (error) {
    await proc.kill()
    throw new Error(`Xvfb did not report a display: ${(error as Error).message}\n${proc.output()}`, { cause: error })
  }
}

async function waitForDriver(base: string, driver: Proc, signal: AbortSignal): Promise<void> {
  for (;;) {
    if (signal.aborted) throw new Error(`WebKitWebDriver did not answer on ${base}: ${(signal.reason as Error)?.message}\n${driver.output()}`)
    const ready = await command<{ ready?: boolean }>(base, 'GET', '/status', undefined, AbortSignal.any([signal, AbortSignal.timeout(2_000)])).then(
      (status) => status.ready !== false,
      () => false, // not listening yet
    )
    if (ready) return
    if ((await Promise.race([driver.exited.then(() => true), sleep(150).then(() => false)])) === true) {
      throw new Error(`WebKitWebDriver exited: ${driver.output()}`)
    }
  }
}

/** Starts Xvfb, WebKitWebDriver and a MiniBrowser session; everything started is stopped by close(), and on failure. */
export async function launchWebKit({ timeoutMs = 60_000, signal }: LaunchOptions = {}): Promise<WebKitSession> {
  const launch = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])])
  let xvfb: Proc | undefined
  let driver: Proc | undefined
  let sessionId: string | undefined
  const base = `http://127.0.0.1:${await freePort()}`

  const close = async () => {
    if (sessionId) await command(base, 'DELETE', `/session/${sessionId}`, undefined, AbortSignal.timeout(10_000)).catch(() => undefined)
    sessionId = undefined
    await driver?.kill()
    await xvfb?.kill()
  }

  let browserVersion: string
  try {
    const started = await startXvfb(launch)
    xvfb = started.proc
    driver = startProcess(WEBKIT_DRIVER, [`--port=${new URL(base).port}`, '--host=local'], { env: { ...process.env, DISPLAY: started.display } })
    await waitForDriver(base, driver, launch)
    const created = await command<{ sessionId: string; capabilities: { browserVersion?: string } }>(
      base,
      'POST',
      '/session',
      { capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } } },
      launch,
    )
    sessionId = created.sessionId
    browserVersion = created.capabilities.browserVersion ?? 'unknown'
  } catch (error) {
    await close()
    throw error
  }

  const s = `/session/${sessionId}`
  const api: WebKitSession = {
    browserVersion,
    navigate: async (url) => void (await command(base, 'POST', `${s}/url`, { url })),
    execute: (body, ...args) => command(base, 'POST', `${s}/execute/sync`, { script: body, args }),
    find: async (css) => {
      const element = await command<Record<string, string>>(base, 'POST', `${s}/element`, { using: 'css selector', value: css })
      return Object.values(element)[0]!
    },
    click: async (css) => void (await command(base, 'POST', `${s}/element/${await api.find(css)}/click`, {})),
    type: async (css, text) => void (await command(base, 'POST', `${s}/element/${await api.find(css)}/value`, { text })),
    waitFor: async (body, what, ms = 20_000) => {
      const until = Date.now() + ms
      for (;;) {
        const value = await api.execute<unknown>(body)
        if (value) return value as never
        if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
        await sleep(150)
      }
    },
    screenshot: async () => Buffer.from(await command<string>(base, 'GET', `${s}/screenshot`), 'base64'),
    close,
  }
  return api
}
