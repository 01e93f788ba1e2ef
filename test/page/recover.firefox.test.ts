// Key-rotation recovery in Firefox ESR (puppeteer-core over WebDriver BiDi): Firefox's
// own fetch, Response.clone() and WebCrypto, against a real sandbox behind the forwarding app.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { browserAvailable, FIREFOX_ESR, missingFile } from '../helpers/browsers.js'
import { holdsSecret } from '../helpers/secret-search.js'
import type { EngineRun } from './engine-page.js'
import { startEngineRig, type EngineRig } from './engine-rig.js'

const run = browserAvailable('Firefox ESR', missingFile(FIREFOX_ESR, 'firefox-esr'))

describe.skipIf(!run)('key-rotation recovery in Firefox ESR', () => {
  let rig: EngineRig
  let browser: Browser | undefined
  let page: Page
  let profile: string

  beforeAll(async () => {
    rig = await startEngineRig()
    profile = mkdtempSync(join(tmpdir(), 'fincode-pagekey-firefox-'))
    browser = await puppeteer.launch({ browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX_ESR, headless: true, userDataDir: profile, timeout: 60_000 })
    page = await browser.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(rig.pageUrl)
    await page.waitForFunction(() => 'rotationPage' in window)
  })
  afterAll(async () => {
    try {
      await browser?.close()
    } finally {
      await rig?.close()
      if (profile) rmSync(profile, { recursive: true, force: true })
    }
  })

  const submitAfter = (rotations: number) =>
    page.evaluate((url, n) => (window as unknown as { rotationPage: { run(u: string, r: number): Promise<EngineRun> } }).rotationPage.run(url, n), rig.appUrl, rotations)

  test('PIN filled, key rotated out of band, submit: refused once, accepted with the new key; the input still holds the PIN', async () => {
    const result = await submitAfter(1)
    expect(result).toMatchObject({ statuses: [409, 200], accepted: true, inputAfter: '482913', error: null })
    expect(result.used[1]).toBe(result.rotatedTo[0])
    expect(result.used[0]).not.toBe(result.used[1])
    for (const { body } of rig.app.received) expect(holdsSecret(body, '482913'), body).toBe(false)
  })

  test('two rotations in a row: the retry uses the newest key', async () => {
    const result = await submitAfter(2)
    expect(result).toMatchObject({ statuses: [409, 200], accepted: true, error: null })
    expect(result.used[1]).toBe(result.rotatedTo[1])
  })
})
