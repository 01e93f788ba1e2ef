// `npm run demo` end to end in real Chromium: the dashboard's key and token
// pages, the PIN form and the sandbox's verdict, a rotation while the form is
// open, and the page's answer to an origin where WebCrypto does not exist.
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { CHROMIUM_FLAGS } from '../../vite.config.js'
import { browserAvailable, CHROMIUM, missingFile } from '../helpers/browsers.js'
import { rotateOverHttp, rotateWithCli, sandboxPinProbe } from '../helpers/demo-rotation.js'
import { startDemo, type RunningDemo } from '../helpers/demo-server.js'
import { holdsSecret } from '../helpers/secret-search.js'

const SHOTS = 'test-results/screenshots'
const CASHIER = { email: 'cashier@example.com', password: 'sandbox-password' }
const FIRST_PIN = '0000' // the sandbox's PIN on a new data directory
const SECOND_PIN = '2468'
const THIRD_PIN = '13579'
const TOKEN_SHAPE = /fcs_[A-Za-z0-9_-]{20,}/
/** A host name that is not localhost, new on every run: the page must not depend on a list of names. */
const OTHER_HOST = `shop-${Math.random().toString(36).slice(2, 8)}.example`

/** expect.poll with room for the sandbox to generate an RSA key (its default is 1 s). */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 })

const run = browserAvailable('Chromium', missingFile(CHROMIUM, 'chromium'))

describe.skipIf(!run)('the demo in Chromium', { timeout: 60_000 }, () => {
  let demo: RunningDemo
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const problems: string[] = []
  /** Bodies of every request the page sent to the demo's backend. */
  const sent: string[] = []
  /** Every request any page made: its URL and body. */
  const requests: { url: string; body: string }[] = []
  /** Answers of the backend, except those that hand the user their new token (create, and rotate of the user's token). */
  const answers: string[] = []

  const watch = (p: Page) => {
    p.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`))
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    p.on('request', (r) => r.url().includes('/demo-api/') && sent.push(r.postData() ?? ''))
    p.on('request', (r) => requests.push({ url: r.url(), body: r.postData() ?? '' }))
    p.on('response', async (r) => {
      if (!r.url().includes('/demo-api/') || (r.url().endsWith('/demo-api/tokens') && r.request().method() === 'POST')) return
      const text = await r.text().catch(() => '')
      // A rotation of the user's own token hands them its successor; one of the server's token must not.
      if (r.url().endsWith('/rotate') && JSON.parse(text || '{}').usedByDemoBackend === false) return
      answers.push(text)
    })
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    demo = await startDemo()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_FLAGS, '--host-resolver-rules=MAP *.example 127.0.0.1'],
      timeout: 60_000,
    })
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url })
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
    watch(page)
  })

  afterAll(async () => {
    try {
      await browser?.close()
    } finally {
      await demo?.stop()
    }
  })

  afterEach(() => {
    // Any console error or uncaught exception fails the step it happened in.
    expect(problems.splice(0)).toEqual([])
  })

  const shot = async (name: string, p: Page = page) => p.screenshot({ path: `${SHOTS}/chromium-${name}.png`, fullPage: true })

  /** The verdict table as text: [field, decrypted, variant, key] per row. */
  const verdictRows = () =>
    page.$$eval('table.verdicts tbody tr', (rows) =>
      rows.map((tr) => [...tr.querySelectorAll('[data-label]')].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim())),
    )

  /** The text of the elements that the `aria-describedby` of `locator` points at. */
  const description = (locator: Locator) =>
    locator.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? `(missing #${id})`)
        .join(' '),
    )

  /** Texts that take more than one line: each element's text, with the number of lines it is laid out on. */
  const wrapped = (p: Page, selector: string) =>
    p.$$eval(selector, (elements) =>
      elements
        .map((el) => {
          const range = document.createRange()
          range.selectNodeContents(el)
          const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)))
          return { text: el.textContent!.trim(), lines: lines.size }
        })
        .filter(({ lines }) => lines > 1),
    )

  /** A shortened fingerprint ends in one ellipsis, never "…." (an ellipsis and a full stop). */
  const noEllipsisStop = async (p: Page = page) => expect((await p.locator('body').textContent())!).not.toContain('….')

  test('1. Encryption Keys shows the dashboard key, its fingerprint and size; copy; rotate with a warning', async () => {
    await page.goto(`${demo.url}#/settings/keys`)
    // At 1280 px every sidebar label fits on one line.
    await page.locator('.sidenav a').first().waitFor()
    expect(await wrapped(page, '.sidenav a, .sidenav .nav-group')).toEqual([])
    const box = page.getByLabel(/PUBLIC KEY/)
    await eventually(() => box.inputValue()).toMatch(/^MII[A-Za-z0-9+/]+=*$/)
    const publicKey = await box.inputValue()
    // The fingerprint on the page is SHA-256 of the DER the Base64 encodes.
    const fingerprint = createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex')
    await eventually(() => page.getByTestId('key-fingerprint').textContent()).toBe(fingerprint)
    expect(await page.getByTestId('key-size').textContent()).toContain('RSA-2048')
    expect(await page.getByTestId('key-size').textContent()).toContain('190 bytes')

    await page.getByRole('button', { name: 'Copy public key' }).click()
    await eventually(() => page.getByText('Copied').count()).toBe(1)
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(publicKey)
    await shot('1-keys')

    // Keyboard: open the confirmation with Enter, leave it with Escape; focus returns.
    const rotate = page.getByRole('button', { name: 'Rotate key…' })
    await rotate.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Rotate the encryption key?' })
    await eventually(() => dialog.isVisible()).toBe(true)
    expect(await dialog.textContent()).toContain('the current key stops working at once')
    await shot('1-keys-rotate-confirm')
    await page.keyboard.press('Escape')
    await eventually(() => dialog.isVisible()).toBe(false)
    expect(await rotate.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await box.inputValue()).toBe(publicKey)

    await rotate.click()
    await dialog.getByRole('button', { name: 'Rotate now' }).click()
    await eventually(() => box.inputValue()).not.toBe(publicKey)
    expect(await page.getByRole('status').filter({ hasText: 'Rotated' }).textContent()).toContain(fingerprint.slice(0, 16))
    await noEllipsisStop()
  })

  test('2. API Tokens: create one with an encrypted password, see it once, list it, use it, invalidate it', async () => {
    // Keyboard navigation: the link moves focus to the new page's heading.
    await page.getByRole('link', { name: 'API Tokens' }).focus()
    await page.keyboard.press('Enter')
    const heading = page.getByRole('heading', { level: 1, name: 'API Tokens' })
    await eventually(() => heading.evaluate((el) => el === document.activeElement)).toBe(true)

    // The demo's own server has a token too, marked as such; its secret is never on the page.
    await eventually(() => page.getByTestId('token-list').textContent()).toContain("this demo's server")

    // Empty submit: every error is tied to its field.
    await page.getByRole('button', { name: 'Create token' }).click()
    await eventually(() => description(page.getByLabel('Service name'))).toContain('Name the service')
    expect(await page.getByLabel('Service name').getAttribute('aria-invalid')).toBe('true')

    await page.getByLabel('Service name').fill('payouts-worker')
    await page.getByLabel('Expires after').selectOption({ label: '3 months' })
    await page.getByLabel('Cashier’s email').fill(CASHIER.email)
    const password = page.getByLabel('Cashier’s password')
    await password.fill(CASHIER.password)
    expect(await password.getAttribute('name')).toBeNull()
    await page.getByRole('button', { name: 'Create token' }).click()

    const tokenBox = page.getByTestId('new-token')
    await eventually(() => tokenBox.inputValue()).toMatch(TOKEN_SHAPE)
    const token = await tokenBox.inputValue()
    expect(await page.getByRole('heading', { name: /created/ }).textContent()).toContain('payouts-worker')
    expect(await page.getByText('it is shown only once').count()).toBe(1)
    await page.getByRole('button', { name: 'Copy token' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token)
    await shot('2-token-created')

    // The password left the page encrypted only.
    const createBody = sent.find((b) => b.includes('payouts-worker'))!
    expect(createBody).not.toContain(CASHIER.password)
    expect(JSON.parse(createBody).currentPassword).toMatch(/^[A-Za-z0-9+/]{342}==$/)

    // The token works against the sandbox — then "last used" shows it.
    const verify = () =>
      fetch(`${demo.sandboxApi}/services/verify-fields`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': token, platform: 'fincode', uuid: 'demo-e2e' },
        body: '{}',
      })
    expect((await verify()).status).toBe(200)

    await page.getByRole('button', { name: 'Done' }).click()
    expect(await page.content()).not.toContain(token)
    const row = page.locator('tr[data-token-label="payouts-worker"]')
    await page.reload()
    await eventually(() => row.textContent()).toContain('active')
    expect(await row.locator('[data-label="Last used"]').textContent()).not.toBe('never')
    const expires = new Date(Date.now())
    expires.setMonth(expires.getMonth() + 3)
    expect(await row.locator('[data-label="Expires"]').textContent()).toContain(String(expires.getFullYear()))
    await shot('2-tokens')

    await row.getByRole('button', { name: /Invalidate/ }).click()
    const dialog = page.getByRole('dialog', { name: /Invalidate "payouts-worker"/ })
    expect(await dialog.textContent()).toContain('stops working at once')
    await dialog.getByRole('button', { name: 'Invalidate' }).click()
    await eventually(() => row.textContent()).toContain('invalidated')
    expect(await verify().then((r) => r.json())).toMatchObject({ error: { code: 'TOKEN_REVOKED' } })

    // Invalidating the demo server's own token: it makes itself a new one (step 3 uses it).
    const own = page.locator('tr', { hasText: "this demo's server" })
    await own.getByRole('button', { name: /Invalidate/ }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Invalidate' }).click()
    await eventually(() => page.getByRole('status').filter({ hasText: 'created itself a new one' }).count()).toBe(1)
    const rows = page.locator('tr[data-token-label="demo backend"]')
    await eventually(() => rows.allTextContents()).toEqual([expect.stringContaining('invalidated'), expect.stringMatching(/this demo's server.*active/)])
  })

  test('2b. A LABEL_TAKEN refusal clears once the label is edited, or once the token holding it is invalidated', async () => {
    await page.goto(`${demo.url}#/settings/tokens`)
    const create = async (label: string) => {
      await page.getByLabel('Service name').fill(label)
      await page.getByLabel('Expires after').selectOption({ label: '24 hours' })
      await page.getByLabel('Cashier’s email').fill(CASHIER.email)
      await page.getByLabel('Cashier’s password').fill(CASHIER.password)
      await page.getByRole('button', { name: 'Create token' }).click()
    }
    const refusal = page.getByRole('alert').filter({ hasText: 'LABEL_TAKEN' })

    await create('ledger-sync')
    await eventually(() => page.getByTestId('new-token').inputValue()).toMatch(TOKEN_SHAPE)
    await page.getByRole('button', { name: 'Done' }).click()

    // The same label again: refused while "ledger-sync" is active.
    await create('ledger-sync')
    await eventually(() => refusal.count()).toBe(1)
    // Its cause is gone once the label changes: the refusal goes, and stays gone when the label comes back.
    await page.getByLabel('Service name').fill('ledger-sync-2')
    await eventually(() => refusal.count()).toBe(0)
    await page.getByLabel('Service name').fill('ledger-sync')
    expect(await refusal.count()).toBe(0)

    // Refused again, then the token holding the label is invalidated: the refusal goes.
    await create('ledger-sync')
    await eventually(() => refusal.count()).toBe(1)
    const row = page.locator('tr[data-token-label="ledger-sync"]')
    await row.getByRole('button', { name: /Invalidate/ }).click()
    await page.getByRole('dialog', { name: /Invalidate "ledger-sync"/ }).getByRole('button', { name: 'Invalidate' }).click()
    await eventually(() => row.textContent()).toContain('invalidated')
    await eventually(() => refusal.count()).toBe(0)
    expect(await page.getByLabel('Service name').inputValue()).toBe('ledger-sync')

    // The browser logs each refused request (409) as a console error: exactly the two refusals provoked here.
    const conflicts = problems.filter((problem) => problem.includes('status of 409 (Conflict)'))
    expect(conflicts).toHaveLength(2)
    problems.splice(0, problems.length, ...problems.filter((problem) => !conflicts.includes(problem)))
  })

  test('2c. API Tokens: rotate a token from its row, copy the successor, see the old one’s last use, invalidate it', async () => {
    await page.goto(`${demo.url}#/settings/tokens`)
    const createForm = async (label: string | null, button: string) => {
      if (label !== null) await page.getByLabel('Service name').fill(label)
      await page.getByLabel('Expires after').selectOption({ label: '1 month' })
      await page.getByLabel('Cashier’s email').fill(CASHIER.email)
      await page.getByLabel('Cashier’s password').fill(CASHIER.password)
      await page.getByRole('button', { name: button }).click()
    }
    const tokenBox = page.getByTestId('new-token')
    await createForm('payout-sync', 'Create token')
    await eventually(() => tokenBox.inputValue()).toMatch(TOKEN_SHAPE)
    const oldToken = await tokenBox.inputValue()
    await page.getByRole('button', { name: 'Done' }).click()
    const use = (token: string) =>
      fetch(`${demo.sandboxApi}/services/verify-fields`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': token, platform: 'fincode', uuid: 'demo-e2e' },
        body: '{}',
      }).then(async (r) => ({ status: r.status, body: await r.json() }))
    expect((await use(oldToken)).status).toBe(200)

    // Rotate from the row: the form at the top becomes the rotation form, focused, for this service.
    const rows = page.locator('tr[data-token-label="payout-sync"]')
    await eventually(() => rows.count()).toBe(1)
    await rows.getByRole('button', { name: 'Rotate payout-sync' }).click()
    const heading = page.getByRole('heading', { name: 'Rotate “payout-sync”' })
    await eventually(() => heading.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await page.getByLabel('Service name').count()).toBe(0)
    await createForm(null, 'Rotate token')

    await eventually(() => tokenBox.inputValue()).toMatch(TOKEN_SHAPE)
    const successor = await tokenBox.inputValue()
    expect(successor).not.toBe(oldToken)
    expect(await page.getByRole('heading', { name: /Successor for “payout-sync” created/ }).count()).toBe(1)
    await page.getByRole('button', { name: 'Copy token' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(successor)
    // The cashier's password left the page encrypted only.
    // (A rotation's body has no label: the successor keeps the old token's.)
    const rotateBody = sent.filter((body) => body.includes('currentPassword') && !body.includes('"label"')).at(-1)!
    expect(rotateBody).not.toContain(CASHIER.password)
    expect(JSON.parse(rotateBody).currentPassword).toMatch(/^[A-Za-z0-9+/]{342}==$/)
    await shot('2b-token-rotated')

    // Both work: a service can switch at its own pace.
    expect((await use(oldToken)).status).toBe(200)
    expect((await use(successor)).status).toBe(200)
    await page.getByRole('button', { name: 'Done' }).click()
    await page.reload()
    await eventually(() => rows.count()).toBe(2)
    const [oldRow, newRow] = [rows.nth(0), rows.nth(1)]
    expect(await oldRow.textContent()).toContain('replaced by the token created')
    expect(await newRow.textContent()).toContain('replaces the token created')
    // The last use of both, and no second rotation of the replaced one.
    expect(await oldRow.locator('[data-label="Last used"]').textContent()).not.toBe('never')
    expect(await newRow.locator('[data-label="Last used"]').textContent()).not.toBe('never')
    expect(await oldRow.getByRole('button', { name: /Rotate/ }).count()).toBe(0)
    expect(await newRow.getByRole('button', { name: /Rotate/ }).count()).toBe(1)
    await shot('2b-tokens-after-rotation')

    // Invalidate the old one: the dialog recalls its last use; the successor keeps working.
    await oldRow.getByRole('button', { name: /Invalidate/ }).click()
    const dialog = page.getByRole('dialog', { name: /Invalidate "payout-sync"/ })
    expect(await dialog.textContent()).toContain('Its successor keeps working. It was last used')
    await dialog.getByRole('button', { name: 'Invalidate' }).click()
    await eventually(() => oldRow.textContent()).toContain('invalidated')
    expect((await use(oldToken)).body).toMatchObject({ error: { code: 'TOKEN_REVOKED' } })
    expect((await use(successor)).status).toBe(200)
    expect(await page.content()).not.toContain(successor)

    // The demo server's own token: the server switches to the successor itself; the page never sees it (step 3 uses it).
    const own = page.locator('tr', { hasText: "this demo's server" })
    await own.getByRole('button', { name: 'Rotate demo backend' }).click()
    await createForm(null, 'Rotate token')
    await eventually(() => page.getByRole('status').filter({ hasText: 'now uses the successor' }).count()).toBe(1)
    expect(await tokenBox.count()).toBe(0)
    const backendRows = page.locator('tr[data-token-label="demo backend"]')
    await eventually(() => backendRows.allTextContents()).toEqual([
      expect.stringContaining('invalidated'),
      expect.stringMatching(/replaced by the token created.*active/),
      expect.stringMatching(/this demo's server.*replaces the token created.*active/),
    ])
  })

  test('3. Change PIN: three encrypted fields, the wire without the token, the verdict per field', async () => {
    await page.goto(`${demo.url}#/pin`)
    await eventually(() => page.getByTestId('form-fingerprint').textContent()).toMatch(/^[0-9a-f]{64}$/)
    const fingerprint = (await page.getByTestId('form-fingerprint').textContent())!

    // A confirmation that differs is refused in the page, next to the field.
    await page.getByLabel('Current PIN').fill(FIRST_PIN)
    await page.getByLabel('New PIN', { exact: true }).fill(SECOND_PIN)
    await page.getByLabel('Confirm new PIN').fill('9999')
    const before = sent.length
    await page.getByRole('button', { name: 'Change PIN' }).click()
    await eventually(() => description(page.getByLabel('Confirm new PIN'))).toContain('does not match')
    expect(sent.length).toBe(before)

    await page.getByLabel('Confirm new PIN').fill(SECOND_PIN)
    await page.getByRole('button', { name: 'Change PIN' }).click()
    const outcome = page.getByRole('heading', { name: 'The sandbox changed the PIN' })
    await eventually(() => outcome.count()).toBe(1)

    // Verdict: every field decrypted, with WebCrypto's variant and the form's key.
    const short = `${fingerprint.slice(0, 12)}…`
    expect(await verdictRows()).toEqual([
      ['userPin', 'yes', 'RSA-OAEP-256', short],
      ['transactionPin', 'yes', 'RSA-OAEP-256', short],
      ['confirmation.transactionPin', 'yes', 'RSA-OAEP-256', short],
    ])
    // The wire: method, URL, platform and uuid, the ciphertexts shortened, no token.
    const wire = (await page.locator('.wire').textContent())!
    expect(wire).toContain(`POST ${demo.sandboxApi}/services/change-pin`)
    expect(wire).toMatch(/platform\s*fincode/)
    expect(wire).toContain('uuid')
    expect(wire).toContain(fingerprint)
    expect(wire).toMatch(/"userPin": "[A-Za-z0-9+/]{12}…[A-Za-z0-9+/=]{12} \(344 chars\)"/)
    expect(wire).toContain('held by the demo\'s server')
    expect(wire).not.toMatch(TOKEN_SHAPE)

    // What the page sent: ciphertexts only, never a PIN, and the fingerprint of the key; the inputs are empty again.
    const { fincodeKeyFingerprint, ...fields } = JSON.parse(sent.filter((b) => b.includes('fincodeKeyFingerprint')).at(-1)!)
    expect(fincodeKeyFingerprint).toBe(fingerprint)
    expect(Object.keys(fields)).toEqual(['userPin', 'transactionPin', 'confirmation.transactionPin'])
    for (const value of Object.values(fields as Record<string, string>)) expect(value).toMatch(/^[A-Za-z0-9+/]{342}==$/)
    for (const label of ['Current PIN', 'Confirm new PIN']) expect(await page.getByLabel(label).inputValue()).toBe('')
    // Fingerprints (hex) and shortened ciphertexts (Base64) are long runs in which "2468" can occur by chance.
    const shown = (await page.locator('main').textContent())!.replace(/[A-Za-z0-9+/]{8,}/g, ' ')
    expect(shown).not.toContain(SECOND_PIN)
    await shot('3-pin-verdict')
    if (process.env.UPDATE_DEMO_SCREENSHOT === '1' || !existsSync('docs/demo.png')) {
      mkdirSync('docs', { recursive: true })
      copyFileSync(`${SHOTS}/chromium-3-pin-verdict.png`, 'docs/demo.png')
    }
  })

  test('4. Rotating while the form is open re-encrypts it; the old ciphertext is refused as made with a rotated key', async () => {
    const formKey = page.getByTestId('form-fingerprint')
    const oldKey = (await formKey.textContent())!
    await page.getByLabel('Current PIN').fill(SECOND_PIN)
    await page.getByLabel('New PIN', { exact: true }).fill(THIRD_PIN)
    await page.getByLabel('Confirm new PIN').fill(THIRD_PIN)
    await page.getByLabel('Current PIN').focus() // leaving a field encrypts it

    // Each field now holds a ciphertext made with the form's key.
    const FIELDS = ['userPin', 'transactionPin', 'confirmation.transactionPin']
    const hidden = () => page.$$eval('input[type="hidden"]', (inputs) => inputs.map((i) => (i as HTMLInputElement).value))
    const states = () => page.$$eval('.enc-state', (spans) => spans.map((s) => s.textContent))
    await eventually(states).toEqual(Array(3).fill(`Encrypted with key ${oldKey.slice(0, 12)}…`))
    const before = await hidden()
    expect(before.every((v) => /^[A-Za-z0-9+/]{342}==$/.test(v))).toBe(true)
    expect(await page.$$eval('input[type="hidden"]', (inputs) => inputs.map((i) => i.getAttribute('name')))).toEqual(FIELDS)

    await page.getByRole('button', { name: 'Rotate key while the form is open…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Rotate the encryption key?' })
    await dialog.getByRole('button', { name: 'Rotate now' }).click()
    await eventually(() => formKey.textContent()).not.toBe(oldKey)
    const newKey = (await formKey.textContent())!
    // The hook encrypted every field again, with the new key; what was typed is still there.
    await eventually(states).toEqual(Array(3).fill(`Encrypted with key ${newKey.slice(0, 12)}…`))
    await noEllipsisStop()
    const after = await hidden()
    after.forEach((value, i) => {
      expect(value).toMatch(/^[A-Za-z0-9+/]{342}==$/)
      expect(value).not.toBe(before[i])
    })
    expect(await page.getByLabel('New PIN', { exact: true }).inputValue()).toBe(THIRD_PIN)

    // The previous submission's ciphertexts were made with the old key.
    await page.getByRole('button', { name: 'Replay the previous ciphertext' }).click()
    await eventually(() => page.getByRole('heading', { name: /refused the request \(replayed ciphertext\)/ }).count()).toBe(1)
    expect(await page.getByTestId('pin-outcome').textContent()).toContain('ERR_KEY_ROTATED')
    expect(await page.getByTestId('rotated-explanation').textContent()).toContain('A rotated key stops working at once')
    const old = `${oldKey.slice(0, 12)}…`
    expect(await verdictRows()).toEqual([
      ['userPin', 'no made with a rotated key', 'RSA-OAEP-256', old],
      ['transactionPin', 'no made with a rotated key', 'RSA-OAEP-256', old],
      ['confirmation.transactionPin', 'no made with a rotated key', 'RSA-OAEP-256', old],
    ])
    await shot('4-rotated-refusal')

    // The form itself encrypts with the new key: the sandbox accepts it.
    await page.getByRole('button', { name: 'Change PIN' }).click()
    await eventually(() => page.getByRole('heading', { name: 'The sandbox changed the PIN' }).count()).toBe(1)
    expect((await verdictRows()).map((row) => row.slice(1))).toEqual(Array(3).fill(['yes', 'RSA-OAEP-256', `${newKey.slice(0, 12)}…`]))
    await shot('4-after-rotation')
  })

  test('the token of the demo\'s server never reaches the page', () => {
    expect(answers.length).toBeGreaterThan(5)
    for (const answer of answers) expect(answer).not.toMatch(TOKEN_SHAPE)
  })

  test('readable at phone width (375 px): one column, nothing wider than the screen, also after a submission', async () => {
    const phone = await context.newPage()
    watch(phone)
    try {
      await phone.setViewportSize({ width: 375, height: 812 })
      const width = () => phone.evaluate(() => document.documentElement.scrollWidth)
      for (const route of ['#/settings/keys', '#/settings/tokens', '#/pin']) {
        await phone.goto(`${demo.url}${route}`)
        await phone.getByRole('heading', { level: 1 }).waitFor()
        await phone.waitForLoadState('networkidle')
        expect(await width(), route).toBeLessThanOrEqual(375)
        await shot(`phone-${route.slice(2).replace('/', '-')}`, phone)
      }
      // After a submission the page shows the wire (a long URL) and the verdict table.
      await eventually(() => phone.getByTestId('form-fingerprint').textContent()).toMatch(/^[0-9a-f]{64}$/)
      await phone.getByLabel('Current PIN').fill(THIRD_PIN)
      await phone.getByLabel('New PIN', { exact: true }).fill(SECOND_PIN)
      await phone.getByLabel('Confirm new PIN').fill(SECOND_PIN)
      await phone.getByRole('button', { name: 'Change PIN' }).click()
      await eventually(() => phone.getByRole('heading', { name: 'The sandbox changed the PIN' }).count()).toBe(1)
      expect(await phone.locator('.wire').textContent()).toContain('/services/change-pin')
      expect(await width(), '#/pin after a submission').toBeLessThanOrEqual(375)
      await shot('phone-pin-after-submission', phone)
    } finally {
      await phone.close()
    }
  })

  describe('6. A key rotated out of band while the PIN form is filled: the submission recovers by itself, nothing is typed again', () => {
    /** The sandbox's PIN after the phone test; each step below changes it. 6 digits: no chance match inside a fingerprint. */
    let pin = SECOND_PIN
    let pinIs: (candidate: string) => Promise<boolean>
    const formKey = () => page.getByTestId('form-fingerprint').textContent()

    beforeAll(async () => {
      pinIs = await sandboxPinProbe(demo.sandboxApi)
    })

    /** Opens the form with the current key and types the PINs; leaving the last field encrypts them all. */
    async function fillForm(next: string) {
      await page.goto(`${demo.url}#/pin`)
      await page.reload()
      await eventually(formKey).toMatch(/^[0-9a-f]{64}$/)
      await page.getByLabel('Current PIN').fill(pin)
      await page.getByLabel('New PIN', { exact: true }).fill(next)
      await page.getByLabel('Confirm new PIN').fill(next)
      await page.getByLabel('Current PIN').focus()
      await eventually(() => page.$$eval('.enc-state', (spans) => spans.map((s) => s.textContent))).toEqual(Array(3).fill(expect.stringMatching(/^Encrypted with key/)))
      return (await formKey())!
    }

    /** Submits, waits for the verdict, and checks what the page sent, what it shows and what the sandbox holds now. */
    async function submitAndCheck(next: string, oldKey: string, newKey: string) {
      const before = sent.length
      const requestsBefore = requests.length
      await page.getByRole('button', { name: 'Change PIN' }).click()
      await eventually(() => page.getByRole('heading', { name: 'The sandbox changed the PIN' }).count()).toBe(1)

      // Two sends to the demo's server: the old key's ciphertexts (answered 409 KEY_ROTATED), then the new key's.
      const submissions = sent.slice(before).filter((b) => b.includes('fincodeKeyFingerprint')).map((b) => JSON.parse(b) as Record<string, string>)
      expect(submissions.map((b) => b.fincodeKeyFingerprint)).toEqual([oldKey, newKey])
      for (const body of submissions) {
        for (const name of ['userPin', 'transactionPin', 'confirmation.transactionPin']) expect(body[name]).toMatch(/^[A-Za-z0-9+/]{342}==$/)
      }
      // No PIN in any request the page made while submitting: URL, and each value of the body but the key's fingerprint
      // (a ciphertext is not searched, see secret-search.ts; a fingerprint is compared above).
      expect(requests.slice(requestsBefore).length).toBeGreaterThanOrEqual(2)
      for (const { url, body } of requests.slice(requestsBefore)) {
        const parsed = body.startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : { body }
        const values = Object.entries(parsed)
          .filter(([name]) => name !== 'fincodeKeyFingerprint')
          .map(([, value]) => (typeof value === 'string' ? value : JSON.stringify(value)))
        for (const secret of [pin, next]) {
          expect(url).not.toContain(secret)
          for (const value of values) expect(holdsSecret(value, secret), value).toBe(false)
        }
      }
      // The browser logs the 409 as a console error: exactly one per recovered submission.
      const conflicts = problems.filter((problem) => problem.includes('409 (Conflict)'))
      expect(conflicts).toHaveLength(1)
      problems.splice(0, problems.length, ...problems.filter((problem) => !conflicts.includes(problem)))

      // The page shows the retry and the new key; the wire view lists both attempts.
      expect(await formKey()).toBe(newKey)
      const retry = (await page.getByTestId('pin-retry').textContent())!
      expect(retry).toContain(`key ${oldKey.slice(0, 12)}… was refused`)
      expect(retry).toContain(`again with key ${newKey.slice(0, 12)}…`)
      const attempts = await page.getByTestId('wire-attempt').allTextContents()
      expect(attempts).toHaveLength(2)
      expect(attempts[0]).toContain(oldKey)
      expect(attempts[0]).toContain('Nothing was sent to the sandbox')
      expect(attempts[0]).toContain('409 KEY_ROTATED')
      expect(attempts[1]).toContain(newKey)
      expect(attempts[1]).toContain(`POST ${demo.sandboxApi}/services/change-pin → 200`)
      expect((await verdictRows()).map((row) => row.slice(1))).toEqual(Array(3).fill(['yes', 'RSA-OAEP-256', `${newKey.slice(0, 12)}…`]))
      for (const label of ['Current PIN', 'New PIN', 'Confirm new PIN']) expect(await page.getByLabel(label, { exact: true }).inputValue()).toBe('')

      // The sandbox holds the new PIN.
      expect(await pinIs(next)).toBe(true)
      expect(await pinIs(pin)).toBe(false)
      pin = next
    }

    test('rotated through the sandbox’s HTTP API, submitted at once', async () => {
      const next = '731950'
      const oldKey = await fillForm(next)
      const newKey = await rotateOverHttp(demo.sandboxApi)
      await submitAndCheck(next, oldKey, newKey)
      await shot('6-recovered')
    })

    test('rotated with `fincode-secure sandbox rotate` (the CLI asks the running sandbox), submitted 5 s later', async () => {
      const next = '864207'
      const oldKey = await fillForm(next)
      const { fingerprint: newKey, output } = await rotateWithCli(demo.dataDir)
      expect(output).toContain(`retired  ${oldKey}`)
      await new Promise((resolve) => setTimeout(resolve, 5_000))
      // Nothing told the page: it still shows the old key until the submission.
      expect(await formKey()).toBe(oldKey)
      await submitAndCheck(next, oldKey, newKey)
    })

    test('rotated from the Encryption Keys page in a second tab, submitted in the first', async () => {
      const next = '286413'
      const oldKey = await fillForm(next)
      const keysTab = await context.newPage()
      watch(keysTab)
      try {
        await keysTab.goto(`${demo.url}#/settings/keys`)
        await eventually(() => keysTab.getByTestId('key-fingerprint').textContent()).toBe(oldKey)
        await keysTab.getByRole('button', { name: 'Rotate key…' }).click()
        await keysTab.getByRole('dialog').getByRole('button', { name: 'Rotate now' }).click()
        await eventually(() => keysTab.getByTestId('key-fingerprint').textContent()).not.toBe(oldKey)
        const newKey = (await keysTab.getByTestId('key-fingerprint').textContent())!
        // The first tab was not told: it still encrypts with the old key until its submission is refused.
        expect(await formKey()).toBe(oldKey)
        await submitAndCheck(next, oldKey, newKey)
      } finally {
        await keysTab.close()
      }
    })

    test('two rotations in a row (HTTP, then the CLI): the retry uses the newest key', async () => {
      const next = '519382'
      const oldKey = await fillForm(next)
      const between = await rotateOverHttp(demo.sandboxApi)
      const { fingerprint: newest } = await rotateWithCli(demo.dataDir)
      expect(new Set([oldKey, between, newest]).size).toBe(3)
      await submitAndCheck(next, oldKey, newest)
    })
  })

  test('5. On a non-secure origin the page shows ERR_WEBCRYPTO_UNAVAILABLE, and nothing crashes', async () => {
    const insecure = await context.newPage()
    watch(insecure)
    try {
      const url = `http://${OTHER_HOST}:${demo.port}/#/pin`
      const apiCalls: string[] = []
      insecure.on('request', (r) => r.url().includes('/demo-api/') && apiCalls.push(r.url()))
      await insecure.goto(url)
      expect(await insecure.evaluate(() => [window.isSecureContext, typeof crypto.subtle])).toEqual([false, 'undefined'])
      const notice = insecure.getByTestId('crypto-notice')
      await notice.waitFor()
      const text = (await notice.textContent())!
      expect(text).toContain('ERR_WEBCRYPTO_UNAVAILABLE')
      expect(text).toContain('crypto.subtle is missing') // the library's own message
      expect(text).toContain(`http://localhost:${demo.port}`)
      expect(await insecure.getByRole('alert').filter({ hasText: 'cannot encrypt' }).count()).toBe(1)

      // Submitting shows the error at the fields; nothing is sent.
      const before = sent.length
      await insecure.getByLabel('Current PIN').fill(SECOND_PIN)
      await insecure.getByRole('button', { name: 'Change PIN' }).click()
      await eventually(() => insecure.locator('.field-error').first().textContent()).toContain('ERR_WEBCRYPTO_UNAVAILABLE')
      expect(sent.slice(before).some((b) => b.includes('"fields"'))).toBe(false)
      // The page knows the demo's API answers loopback names only, and does not call it from here.
      expect(apiCalls).toEqual([])
      await shot('5-insecure-origin', insecure)
    } finally {
      await insecure.close()
    }
  })
})
