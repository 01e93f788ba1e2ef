// The demo's PIN flow in Firefox ESR, driven by puppeteer-core over WebDriver BiDi.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { browserAvailable, FIREFOX_ESR, missingFile } from '../helpers/browsers.js'
import { startDemo, type RunningDemo } from '../helpers/demo-server.js'

const run = browserAvailable('Firefox ESR', missingFile(FIREFOX_ESR, 'firefox-esr'))

describe.skipIf(!run)('the demo in Firefox ESR', () => {
  let demo: RunningDemo
  let browser: Browser | undefined
  let profile: string
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    demo = await startDemo()
    profile = mkdtempSync(join(tmpdir(), 'fincode-demo-firefox-'))
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: FIREFOX_ESR,
      headless: true,
      userDataDir: profile,
      timeout: 60_000,
    })
    page = await browser.newPage()
    page.setDefaultTimeout(20_000)
    await page.setViewport({ width: 1280, height: 900 })
    page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`))
    page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`))
    // Puppeteer's BiDi requests have no postData(): record the page's own fetch bodies instead.
    await page.evaluateOnNewDocument(() => {
      const sentBodies: string[] = ((window as unknown as { __sent: string[] }).__sent = [])
      const original = window.fetch.bind(window)
      window.fetch = (input, init) => {
        if (String(input).includes('/demo-api/') && typeof init?.body === 'string') sentBodies.push(init.body)
        return original(input, init)
      }
    })
  })

  afterAll(async () => {
    try {
      await browser?.close()
    } finally {
      await demo?.stop()
      if (profile) rmSync(profile, { recursive: true, force: true })
    }
  })

  test('change PIN: the three fields are encrypted in Firefox and the sandbox decrypts each one', async () => {
    await page.goto(`${demo.url}#/pin`)
    await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="form-fingerprint"]')?.textContent ?? ''))
    const fingerprint = await page.$eval('[data-testid="form-fingerprint"]', (el) => el.textContent!)

    await page.type('[data-field="userPin"]', '0000')
    await page.type('[data-field="transactionPin"]', '8642')
    await page.type('[data-field="confirmation.transactionPin"]', '8642')
    await page.click('button[type="submit"]')
    await page.waitForFunction(() => document.querySelector('#outcome-title')?.textContent?.includes('The sandbox changed the PIN'))

    const rows = await page.$$eval('table.verdicts tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('[data-label]')].map((c) => c.textContent!.trim())),
    )
    expect(rows).toEqual([
      ['userPin', 'yes', 'RSA-OAEP-256', `${fingerprint.slice(0, 12)}…`],
      ['transactionPin', 'yes', 'RSA-OAEP-256', `${fingerprint.slice(0, 12)}…`],
      ['confirmation.transactionPin', 'yes', 'RSA-OAEP-256', `${fingerprint.slice(0, 12)}…`],
    ])
    const sent = await page.evaluate(() => (window as unknown as { __sent: string[] }).__sent)
    const body = JSON.parse(sent.filter((b) => b.includes('"fields"')).at(-1)!)
    for (const value of Object.values(body.fields as Record<string, string>)) expect(value).toMatch(/^[A-Za-z0-9+/]{342}==$/)
    expect(await page.$eval('[data-field="userPin"]', (el) => (el as HTMLInputElement).value)).toBe('')
    expect(await page.$eval('main', (el) => el.textContent)).not.toContain('8642')

    mkdirSync('test-results/screenshots', { recursive: true })
    await page.screenshot({ path: 'test-results/screenshots/firefox-pin-verdict.png', fullPage: true })
    expect(problems).toEqual([])
  })
})
