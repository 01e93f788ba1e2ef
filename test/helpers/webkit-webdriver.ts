// WebKitGTK's MiniBrowser driven by WebKitWebDriver over the W3C WebDriver
// protocol with plain fetch, on an Xvfb display (MiniBrowser has no headless
// mode). Just what the demo's tests use; ../shared/notes/runtimes.md has the recipe.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { freePort } from './demo-server.js'

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver'
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'
export const XVFB = '/usr/bin/Xvfb'

/** What is missing to run WebKitGTK here, or null when everything is there. */
export function webkitMissing(): string | null {
  const missing = [WEBKIT_DRIVER, MINIBROWSER, XVFB].filter((path) => !existsSync(path))
  return missing.length ? `missing ${missing.join(', ')} (apt-get install webkit2gtk-driver xvfb)` : null
}

export interface WebKitSession {
  navigate(url: string): Promise<void>
  /** Runs a function body in the page (`return …`); arguments arrive as `arguments[i]`. */
  execute<T>(body: string, ...args: unknown[]): Promise<T>
  find(css: string): Promise<string>
  click(css: string): Promise<void>
  type(css: string, text: string): Promise<void>
  /** Polls `body` until it returns something truthy. */
  waitFor<T>(body: string, what: string, timeoutMs?: number): Promise<T>
  screenshot(): Promise<Buffer>
  close(): Promise<void>
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  let output = ''
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  return { child, output: () => output }
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    process.kill(-child.pid!, 'SIGTERM')
  } catch {
    return
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // gone
    }
  }, 3_000)
  await exited
  clearTimeout(timer)
}

/** Starts Xvfb, WebKitWebDriver and a MiniBrowser session; everything started is stopped by close(), also on failure. */
export async function launchWebKit({ timeoutMs = 60_000 } = {}): Promise<WebKitSession> {
  let xvfb: ReturnType<typeof startProcess> | undefined
  let driver: ReturnType<typeof startProcess> | undefined
  let base = ''
  let sessionId: string | undefined
  const deadline = Date.now() + timeoutMs

  const command = async <T>(method: string, path: string, body?: unknown, ms = 30_000): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(ms),
    })
    const data = (await response.json()) as { value: T & { error?: string; message?: string } }
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${data.value?.error ?? response.status} ${data.value?.message ?? ''}`)
    return data.value
  }
  const close = async () => {
    if (sessionId) await command('DELETE', `/session/${sessionId}`, undefined, 10_000).catch(() => undefined)
    sessionId = undefined
    await stopProcess(driver?.child)
    await stopProcess(xvfb?.child)
  }

  try {
    // -displayfd: Xvfb picks a free display and prints its number.
    xvfb = startProcess(XVFB, ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], process.env)
    let display = ''
    while (!(display = xvfb.output().trim()) || !/^\d+$/.test(display)) {
      if (Date.now() > deadline || xvfb.child.exitCode !== null) throw new Error(`Xvfb did not start: ${xvfb.output()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    driver = startProcess(WEBKIT_DRIVER, [`--port=${port}`, '--host=local'], { ...process.env, DISPLAY: `:${display}` })
    for (;;) {
      const ready = await command<{ ready?: boolean }>('GET', '/status', undefined, 2_000).then((v) => v.ready, () => false)
      if (ready) break
      if (Date.now() > deadline || driver.child.exitCode !== null) throw new Error(`WebKitWebDriver did not start: ${driver.output()}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    const session = await command<{ sessionId: string }>(
      'POST',
      '/session',
      { capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } } },
      Math.max(1_000, deadline - Date.now()),
    )
    sessionId = session.sessionId
  } catch (error) {
    await close()
    throw error
  }

  const s = `/session/${sessionId}`
  const api: WebKitSession = {
    navigate: async (url) => void (await command('POST', `${s}/url`, { url })),
    execute: (body, ...args) => command('POST', `${s}/execute/sync`, { script: body, args }),
    find: async (css) => {
      const element = await command<Record<string, string>>('POST', `${s}/element`, { using: 'css selector', value: css })
      return Object.values(element)[0]!
    },
    click: async (css) => void (await command('POST', `${s}/element/${await api.find(css)}/click`, {})),
    type: async (css, text) => void (await command('POST', `${s}/element/${await api.find(css)}/value`, { text })),
    waitFor: async (body, what, ms = 20_000) => {
      const until = Date.now() + ms
      for (;;) {
        const value = await api.execute<unknown>(body)
        if (value) return value as never
        if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
        await new Promise((r) => setTimeout(r, 150))
      }
    },
    screenshot: async () => Buffer.from(await command<string>('GET', `${s}/screenshot`), 'base64'),
    close,
  }
  return api
}
