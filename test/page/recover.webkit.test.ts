// Key-rotation recovery in WebKitGTK (MiniBrowser under Xvfb, W3C WebDriver): WebKit's
// own fetch, Response.clone() and WebCrypto, against a real sandbox behind the forwarding app.
import { afterAll, beforeAll, describe } from 'vitest'
import { browserAvailable } from '../helpers/browsers.js'
import { launchWebKit, webkitMissing, type WebKitSession } from '../helpers/webkit-webdriver.js'
import type { EngineRun } from './engine-page.js'
import { defineEngineRotationTests, startEngineRig, type EngineRig } from './engine-rig.js'

const run = browserAvailable('WebKitGTK', webkitMissing())

describe.skipIf(!run)('key-rotation recovery in WebKitGTK', () => {
  let rig: EngineRig
  let webkit: WebKitSession | undefined

  beforeAll(async () => {
    rig = await startEngineRig()
    webkit = await launchWebKit({ timeoutMs: 60_000 })
    await webkit.navigate(rig.pageUrl)
    await webkit.waitFor<boolean>(`return 'rotationPage' in window`, 'the page script', 20_000)
  })
  afterAll(async () => {
    try {
      await webkit?.close()
    } finally {
      await rig?.close()
    }
  })

  /** WebDriver's execute does not await promises: the result is parked on window and polled. */
  async function submitAfter(rotations: number): Promise<EngineRun> {
    await webkit!.execute(`window.__run = null; window.rotationPage.run(arguments[0], arguments[1]).then((r) => (window.__run = r))`, rig.appUrl, rotations)
    return webkit!.waitFor<EngineRun>('return window.__run', 'the submission', 30_000)
  }

  defineEngineRotationTests(() => rig, submitAfter)
})
