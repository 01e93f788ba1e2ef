// The demo's PIN flow in WebKitGTK (MiniBrowser under Xvfb, W3C WebDriver).
import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { browserAvailable } from '../helpers/browsers.js'
import { defineRotationScenarios, expectRecoveredSubmission, sandboxPinProbe } from '../helpers/demo-rotation.js'
import { startDemo, type RunningDemo } from '../helpers/demo-server.js'
import { launchWebKit, webkitMissing, type WebKitSession } from '../helpers/webkit-webdriver.js'

const run = browserAvailable('WebKitGTK', webkitMissing())

// WebDriver has no console events: the page's errors are caught by listeners
// installed right after each navigation (what happens before that is not seen).
const WATCH_ERRORS = `
  window.__problems = []
  const original = console.error
  console.error = (...args) => { window.__problems.push('console.error: ' + args.join(' ')); original.apply(console, args) }
  addEventListener('error', (e) => window.__problems.push('page error: ' + e.message))
  addEventListener('unhandledrejection', (e) => window.__problems.push('unhandled rejection: ' + String(e.reason)))
`
// Nor network events: the page's fetch calls (the demo sends everything with fetch) are recorded the same way.
const RECORD_FETCH = `
  window.__requests = []
  const originalFetch = window.fetch.bind(window)
  window.fetch = (input, init) => {
    window.__requests.push({ url: input instanceof Request ? input.url : String(input), body: typeof init?.body === 'string' ? init.body : '' })
    return originalFetch(input, init)
  }
`

describe.skipIf(!run)('the demo in WebKitGTK', { timeout: 60_000 }, () => {
  let demo: RunningDemo
  let webkit: WebKitSession | undefined

  beforeAll(async () => {
    demo = await startDemo()
    webkit = await launchWebKit({ timeoutMs: 60_000 })
  })

  afterAll(async () => {
    try {
      await webkit?.close()
    } finally {
      await demo?.stop()
    }
  })

  test('change PIN: the three fields are encrypted in WebKit and the sandbox decrypts each one', async () => {
    const wk = webkit!
    await wk.navigate(`${demo.url}#/pin`)
    await wk.execute(WATCH_ERRORS)
    const fingerprint = await wk.waitFor<string>(
      `const t = document.querySelector('[data-testid="form-fingerprint"]')?.textContent ?? ''; return /^[0-9a-f]{64}$/.test(t) && t`,
      'the form key',
    )
    await wk.type('[data-field="userPin"]', '0000')
    await wk.type('[data-field="transactionPin"]', '97531')
    await wk.type('[data-field="confirmation.transactionPin"]', '97531')
    await wk.click('button[type="submit"]')
    await wk.waitFor(`return document.querySelector('#outcome-title')?.textContent?.includes('The sandbox changed the PIN')`, 'the verdict')

    const rows = await wk.execute<string[][]>(
      `return [...document.querySelectorAll('table.verdicts tbody tr')].map((tr) => [...tr.querySelectorAll('[data-label]')].map((c) => c.textContent.trim()))`,
    )
    expect(rows).toEqual([
      ['userPin', 'yes', 'RSA-OAEP-256', `${fingerprint.slice(0, 12)}…`],
      ['transactionPin', 'yes', 'RSA-OAEP-256', `${fingerprint.slice(0, 12)}…`],
      ['confirmation.transactionPin', 'yes', 'RSA-OAEP-256', `${fingerprint.slice(0, 12)}…`],
    ])
    const wire = await wk.execute<string>(`return document.querySelector('.wire').textContent`)
    expect(wire).toMatch(/"userPin": "[A-Za-z0-9+/]{12}…[A-Za-z0-9+/=]{12} \(344 chars\)"/)
    expect(await wk.execute(`return document.querySelector('[data-field="userPin"]').value`)).toBe('')
    expect(await wk.execute<string>(`return document.querySelector('main').textContent`)).not.toContain('97531')

    mkdirSync('test-results/screenshots', { recursive: true })
    writeFileSync('test-results/screenshots/webkit-pin-verdict.png', await wk.screenshot())
    expect(await wk.execute(`return window.__problems`)).toEqual([])
  })
  describe('a key rotated out of band while the form is filled: the submission recovers by itself', () => {
    let pin = '97531' // the PIN after the test above
    let pinIs: (candidate: string) => Promise<boolean>
    const formKey = () => webkit!.execute<string>(`return document.querySelector('[data-testid="form-fingerprint"]').textContent`)

    beforeAll(async () => {
      pinIs = await sandboxPinProbe(demo.sandboxApi)
    })

    async function fillForm(next: string) {
      const wk = webkit!
      await wk.navigate(`${demo.url}#/pin`)
      // A fresh page, with the key current now (the marker tells the reloaded document from the old one).
      await wk.execute(`window.__beforeReload = true; location.reload()`)
      await wk.waitFor(`return !window.__beforeReload && document.readyState === 'complete' && /^[0-9a-f]{64}$/.test(document.querySelector('[data-testid="form-fingerprint"]')?.textContent ?? '')`, 'the form key')
      await wk.execute(WATCH_ERRORS + RECORD_FETCH)
      await wk.type('[data-field="userPin"]', pin)
      await wk.type('[data-field="transactionPin"]', next)
      await wk.type('[data-field="confirmation.transactionPin"]', next)
      await wk.execute(`document.querySelector('[data-field="userPin"]').focus()`) // leaving a field encrypts it
      await wk.waitFor(`return [...document.querySelectorAll('.enc-state')].every((s) => s.textContent.startsWith('Encrypted with key'))`, 'the ciphertexts')
      return formKey()
    }

    async function submitAndCheck(next: string, oldKey: string, newKey: string) {
      const wk = webkit!
      await wk.click('button[type="submit"]')
      await wk.waitFor(`return document.querySelector('#outcome-title')?.textContent?.includes('The sandbox changed the PIN')`, 'the verdict')
      const requests = await wk.execute<{ url: string; body: string }[]>(`return window.__requests`)

      expect(await formKey()).toBe(newKey)
      const retry = await wk.execute<string>(`return document.querySelector('[data-testid="pin-retry"]').textContent`)
      expect(retry).toContain(`key ${oldKey.slice(0, 12)}… was refused`)
      expect(retry).toContain(`again with key ${newKey.slice(0, 12)}…`)
      expectRecoveredSubmission({
        requests,
        attempts: await wk.execute<string[]>(`return [...document.querySelectorAll('[data-testid="wire-attempt"]')].map((li) => li.textContent)`),
        fieldValues: await wk.execute<string[]>(`return [...document.querySelectorAll('[data-field]')].map((i) => i.value)`),
        oldKey,
        newKey,
        secrets: [pin, next],
        sandboxApi: demo.sandboxApi,
      })

      expect(await pinIs(next)).toBe(true)
      expect(await pinIs(pin)).toBe(false)
      pin = next
      expect(await wk.execute(`return window.__problems`)).toEqual([])
    }

    defineRotationScenarios(test, { demo: () => demo, fillForm, submitAndCheck })
  })
})
