// Key-rotation recovery in Firefox ESR (puppeteer-core over WebDriver BiDi): Firefox's
// own fetch, Response.clone() and WebCrypto, against a real sandbox behind the forwarding app.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe } from 'vitest'
import { browserAvailable, FIREFOX_ESR, missingFile } from '../helpers/browsers.js'
import type { EngineRun } from './engine-page.js'
import { defineEngineRotationTests, startEngineRig, type EngineRig } from './engine-rig.js'

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

  defineEngineRotationTests(() => rig, submitAfter)
})
