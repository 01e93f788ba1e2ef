// Firefox ESR (Debian's /usr/bin/firefox-esr) through puppeteer-core over
// WebDriver BiDi, with a throwaway profile.
import { existsSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { requireRuntimePackage } from './install.js'
import { pageReport, pageUrl, type Runtime } from './matrix.js'
import { abortable, startAbortable, withTimeout } from './processes.js'

const EXECUTABLE = '/usr/bin/firefox-esr'

interface PuppeteerBrowser {
  version(): Promise<string>
  newPage(): Promise<{
    on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void
    on(event: 'pageerror', listener: (error: Error) => void): void
    goto(url: string, options: { timeout: number }): Promise<unknown>
  }>
  close(): Promise<void>
  process(): { pid?: number } | null
}

interface PuppeteerModule {
  default: { launch(options: Record<string, unknown>): Promise<PuppeteerBrowser> }
}

export const firefox: Runtime = {
  label: 'Firefox ESR',
  kind: 'browser',
  fromRuntimePackages: true,
  missing: () => (existsSync(EXECUTABLE) ? undefined : `${EXECUTABLE} not found (apt-get install firefox-esr)`),
  async run(matrix, context) {
    const puppeteer = requireRuntimePackage<PuppeteerModule>('puppeteer-core').default
    const browser = await startAbortable(
      puppeteer.launch({
        browser: 'firefox',
        protocol: 'webDriverBiDi',
        executablePath: EXECUTABLE,
        headless: true,
        userDataDir: mkdtempSync(join(matrix.workDir, 'firefox-profile-')),
        timeout: 60_000,
      }),
      context.signal,
      (b) => b.close(),
    )
    const pid = browser.process()?.pid
    try {
      const version = (await browser.version()).replace(/^firefox\//i, '')
      const page = await browser.newPage()
      const log: string[] = []
      page.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`))
      page.on('pageerror', (error) => log.push(`pageerror: ${error.message}`))
      await abortable(page.goto(pageUrl(matrix, context), { timeout: 30_000 }), context.signal)
      return { version, report: await pageReport(matrix, context, log) }
    } finally {
      await withTimeout(browser.close(), 15_000, 'closing Firefox').catch(() => undefined)
      // puppeteer starts Firefox in its own process group: take its content processes down with it.
      if (pid) {
        try {
          process.kill(-pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }
  },
}
