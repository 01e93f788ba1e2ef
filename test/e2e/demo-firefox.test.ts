// The demo's PIN flow in Firefox ESR, driven by puppeteer-core over WebDriver BiDi.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { browserAvailable, FIREFOX_ESR, missingFile } from '../helpers/browsers.js'
import { defineRotationScenarios, expectRecoveredSubmission, sandboxPinProbe } from '../helpers/demo-rotation.js'
import { startDemo, type RunningDemo } from '../helpers/demo-server.js'

const run = browserAvailable('Firefox ESR', missingFile(FIREFOX_ESR, 'firefox-esr'))

describe.skipIf(!run)('the demo in Firefox ESR', { timeout: 60_000 }, () => {
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
    // Puppeteer's BiDi requests have no postData(): record the page's own fetch calls instead (the demo
    // sends everything with fetch): each URL, and each body the demo's API got.
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as { __sent: string[]; __requests: { url: string; body: string }[] }
      const sentBodies: string[] = (w.__sent = [])
      const requests = (w.__requests = [] as { url: string; body: string }[])
      const original = window.fetch.bind(window)
      window.fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input)
        const body = typeof init?.body === 'string' ? init.body : ''
        requests.push({ url, body })
        if (url.includes('/demo-api/') && body) sentBodies.push(body)
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
    const { fincodeKeyFingerprint, ...fields } = JSON.parse(sent.filter((b) => b.includes('fincodeKeyFingerprint')).at(-1)!)
    expect(fincodeKeyFingerprint).toBe(fingerprint)
    for (const value of Object.values(fields as Record<string, string>)) expect(value).toMatch(/^[A-Za-z0-9+/]{342}==$/)
    expect(await page.$eval('[data-field="userPin"]', (el) => (el as HTMLInputElement).value)).toBe('')
    expect(await page.$eval('main', (el) => el.textContent)).not.toContain('8642')

    mkdirSync('test-results/screenshots', { recursive: true })
    await page.screenshot({ path: 'test-results/screenshots/firefox-pin-verdict.png', fullPage: true })
    expect(problems).toEqual([])
  })
  describe('a key rotated out of band while the form is filled: the submission recovers by itself', () => {
    let pin = '8642' // the PIN after the test above
    let pinIs: (candidate: string) => Promise<boolean>
    const formKey = () => page.$eval('[data-testid="form-fingerprint"]', (el) => el.textContent!)

    beforeAll(async () => {
      pinIs = await sandboxPinProbe(demo.sandboxApi)
    })

    async function fillForm(next: string) {
      await page.goto(`${demo.url}#/pin`)
      await page.reload()
      await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="form-fingerprint"]')?.textContent ?? ''))
      await page.type('[data-field="userPin"]', pin)
      await page.type('[data-field="transactionPin"]', next)
      await page.type('[data-field="confirmation.transactionPin"]', next)
      await page.focus('[data-field="userPin"]') // leaving a field encrypts it
      await page.waitForFunction(() => [...document.querySelectorAll('.enc-state')].every((s) => s.textContent!.startsWith('Encrypted with key')))
      return formKey()
    }

    async function submitAndCheck(next: string, oldKey: string, newKey: string) {
      const requestCount = () => page.evaluate(() => (window as unknown as { __requests: unknown[] }).__requests.length)
      const before = await requestCount()
      await page.click('button[type="submit"]')
      await page.waitForFunction(() => document.querySelector('#outcome-title')?.textContent?.includes('The sandbox changed the PIN'))
      const requests = (await page.evaluate(() => (window as unknown as { __requests: { url: string; body: string }[] }).__requests)).slice(before)

      expect(await formKey()).toBe(newKey)
      const retry = await page.$eval('[data-testid="pin-retry"]', (el) => el.textContent!)
      expect(retry).toContain(`key ${oldKey.slice(0, 12)}… was refused`)
      expect(retry).toContain(`again with key ${newKey.slice(0, 12)}…`)
      expectRecoveredSubmission({
        requests,
        attempts: await page.$$eval('[data-testid="wire-attempt"]', (items) => items.map((li) => li.textContent!)),
        fieldValues: await page.$$eval('[data-field]', (inputs) => inputs.map((i) => (i as HTMLInputElement).value)),
        oldKey,
        newKey,
        secrets: [pin, next],
        sandboxApi: demo.sandboxApi,
      })

      expect(await pinIs(next)).toBe(true)
      expect(await pinIs(pin)).toBe(false)
      pin = next
      // The refused first send (409) may be logged by the browser; any other console error fails the test.
      expect(problems.filter((problem) => !problem.includes('409'))).toEqual([])
    }

    defineRotationScenarios(test, { demo: () => demo, fillForm, submitAndCheck })
  })
})
