// Key-rotation recovery in WebKitGTK (MiniBrowser under Xvfb, W3C WebDriver): WebKit's
// own fetch, Response.clone() and WebCrypto, against a real sandbox behind the forwarding app.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { browserAvailable } from '../helpers/browsers.js'
import { holdsSecret } from '../helpers/secret-search.js'
import { launchWebKit, webkitMissing, type WebKitSession } from '../helpers/webkit-webdriver.js'
import type { EngineRun } from './engine-page.js'
import { startEngineRig, type EngineRig } from './engine-rig.js'

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
