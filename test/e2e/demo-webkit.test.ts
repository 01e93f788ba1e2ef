// The demo's PIN flow in WebKitGTK (MiniBrowser under Xvfb, W3C WebDriver).
import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { browserAvailable } from '../helpers/browsers.js'
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

describe.skipIf(!run)('the demo in WebKitGTK', () => {
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
})
