// One small interface over the three browsers the dom entry is tested in:
// Chromium and Firefox ESR through puppeteer-core (CDP, WebDriver BiDi), WebKitGTK
// through W3C WebDriver (test/helpers/webkit-webdriver.ts). Every launch has a timeout.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer from 'puppeteer-core'
import { CHROMIUM_FLAGS } from '../../scripts/chromium-flags.mjs'
import { CHROMIUM, FIREFOX_ESR } from '../helpers/browsers.js'
import { launchWebKit } from '../helpers/webkit-webdriver.js'

export interface PageDriver {
  goto(url: string): Promise<void>
  /** Runs an async function body in the page (`return …`); the result must be JSON. */
  run<T>(body: string): Promise<T>
  /** Polls `body` until it returns something truthy. */
  waitFor<T>(body: string, what: string, timeoutMs?: number): Promise<T>
  close(): Promise<void>
}

async function poll<T>(check: () => Promise<T>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export async function launchPuppeteer(browser: 'chrome' | 'firefox'): Promise<PageDriver> {
  const profile = mkdtempSync(join(tmpdir(), `fincode-dom-${browser}-`))
  const instance = await puppeteer.launch(
    browser === 'chrome'
      ? { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, userDataDir: profile, timeout: 60_000 }
      : { browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX_ESR, headless: true, userDataDir: profile, timeout: 60_000 },
  )
  const page = await instance.newPage()
  page.setDefaultTimeout(30_000)
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(String(error)))
  const run = <T>(body: string) => page.evaluate(`(async () => { ${body} })()`) as Promise<T>
  return {
    goto: async (url) => void (await page.goto(url)),
    run,
    waitFor: (body, what, timeoutMs = 20_000) => poll(() => run(body), what, timeoutMs),
    close: async () => {
      try {
        await instance.close()
      } finally {
        rmSync(profile, { recursive: true, force: true })
      }
      if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`)
    },
  }
}

export async function launchWebKitDriver(): Promise<PageDriver> {
  const webkit = await launchWebKit({ timeoutMs: 60_000 })
  // W3C WebDriver's execute/sync waits for a promise the script returns.
  const run = <T>(body: string) => webkit.execute<T>(`return (async () => { ${body} })()`)
  return {
    goto: (url) => webkit.navigate(url),
    run,
    waitFor: (body, what, timeoutMs = 20_000) => poll(() => run(body), what, timeoutMs),
    close: () => webkit.close(),
  }
}
