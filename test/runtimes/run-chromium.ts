// Chromium (Debian's /usr/bin/chromium) through playwright-core, with the
// flags the vitest browser project uses.
import { existsSync } from 'node:fs'
import { chromium as playwrightChromium } from 'playwright-core'
import { CHROMIUM_FLAGS } from '../../vite.config.js'
import { pageReport, pageUrl, type Runtime } from './matrix.js'
import { abortable, startAbortable, withTimeout } from './processes.js'

const EXECUTABLE = '/usr/bin/chromium'

export const chromium: Runtime = {
  label: 'Chromium',
  kind: 'browser',
  fromRuntimePackages: false,
  missing: () => (existsSync(EXECUTABLE) ? undefined : `${EXECUTABLE} not found (apt-get install chromium)`),
  async run(matrix, context) {
    const launching = playwrightChromium.launch({ executablePath: EXECUTABLE, args: CHROMIUM_FLAGS, timeout: 60_000 })
    const browser = await startAbortable(launching, context.signal, (b) => b.close())
    try {
      const page = await browser.newPage()
      const log: string[] = []
      page.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`))
      page.on('pageerror', (error) => log.push(`pageerror: ${error.message}`))
      await abortable(page.goto(pageUrl(matrix, context), { timeout: 30_000 }), context.signal)
      return { version: browser.version(), report: await pageReport(matrix, context, log) }
    } finally {
      await withTimeout(browser.close(), 15_000, 'closing Chromium').catch(() => undefined)
    }
  },
}
