// fincode-secure/dom in a real browser, the same suite for each (one browser per
// test file: dom-chromium, dom-firefox, dom-webkit). A plain HTML form posts
// natively to a local server; the test decrypts what arrived with the private key.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { holdsSecret } from '../helpers/secret-search.js'
import { random } from '../react/harness.js'
import type { PageDriver } from './drivers.js'
import { startPageServer, type PageServer } from './page-server.js'

const TRIALS = 200
const BATCH = 20

export function defineDomBrowserSuite(name: string, available: boolean, launch: () => Promise<PageDriver>): void {
  describe.skipIf(!available)(`fincode-secure/dom in ${name}`, () => {
    const { publicKey, privateKey } = testKeyPair(2048)
    const fingerprint = createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex')
    let server: PageServer
    let page: PageDriver

    beforeAll(async () => {
      server = await startPageServer(publicKey)
      page = await launch()
    })
    afterAll(async () => {
      try {
        await page?.close()
      } finally {
        await server?.stop()
      }
    })

    async function open(query: string, base = server.url) {
      await page.goto(`${base}/?${query}`)
      await page.waitFor('return typeof window.ready === "function" && window.ready()', 'the form to be bound')
    }

    /** Nothing more reaches the server within half a second. */
    async function nothingSent(before: number) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(server.posts.length, 'posts received').toBe(before)
    }

    test(`${TRIALS} randomised type-then-submit trials: each post carries the ciphertext of the last typed value, never the PIN`, async () => {
      const seed = Math.floor(Math.random() * 2 ** 32)
      const rng = random(seed)
      await open('key=good')
      const first = server.posts.length
      const trials = Array.from({ length: TRIALS }, () => {
        const secret = rng.secret()
        return { secret, cut: rng.int(1, Array.from(secret).length), early: rng.pick(['none', 'await', 'fire']), how: rng.int(0, 2) }
      })
      for (let start = 0; start < TRIALS; start += BATCH) {
        const batch = trials.slice(start, start + BATCH)
        const results = await page.run<{ left: string; named: boolean }[]>(
          `const results = []; for (const t of ${JSON.stringify(batch)}) results.push(await window.trial(t)); return results`,
        )
        results.forEach((result, i) => {
          const context = `seed ${seed}, trial ${start + i}`
          expect(result, `${context}: the visible input is emptied and nameless`).toEqual({ left: '', named: false })
        })
      }
      expect(server.posts.length - first, 'one post per trial').toBe(TRIALS)
      trials.forEach(({ secret }, i) => {
        const post = server.posts[first + i]!
        const context = `seed ${seed}, trial ${i}`
        expect([...post.keys()].sort(), context).toEqual(['amount', 'fincodeKeyFingerprint', 'transactionPin'])
        expect(nodeDecrypt(post.get('transactionPin')!, privateKey), context).toBe(secret)
        expect(post.get('fincodeKeyFingerprint'), context).toBe(fingerprint)
        for (const [key, value] of post) expect(holdsSecret(value, secret) || holdsSecret(key, secret), `${context}: ${key} holds the PIN`).toBe(false)
      })
    })

    test('a refused value: aria-invalid, the message in the aria-describedby element, the value kept, nothing sent', async () => {
      await open('key=good')
      const before = server.posts.length
      await page.run(`window.typeInto('123456789'); window.submit()`)
      await page.waitFor(`return window.errorText() === 'At most 8 characters.'`, 'the message')
      expect(await page.run(`return window.state()`)).toMatchObject({ invalid: 'true', value: '123456789' })
      expect(await page.run(`return window.errors`)).toEqual(['ERR_VALUE_INVALID'])
      await nothingSent(before)
    })

    test('a bad key: a visible error before any submit, and nothing sent', async () => {
      await open('key=bad')
      const before = server.posts.length
      await page.waitFor(`return window.errorText().includes('publicKey')`, 'the key error')
      await page.run(`window.typeInto('482913'); window.submit()`)
      expect(await page.run(`return window.errors`)).toContain('ERR_KEY_INVALID')
      await nothingSent(before)
    })

    test('a key not loaded: a visible error on submit, and nothing sent', async () => {
      await open('key=none')
      const before = server.posts.length
      await page.run(`window.typeInto('482913'); window.submit()`)
      await page.waitFor(`return window.errorText().includes('has not loaded yet')`, 'the missing-key error')
      expect(await page.run(`return window.errors`)).toEqual(['ERR_KEY_MISSING'])
      expect(await page.run(`return window.state()`)).toMatchObject({ invalid: 'true', value: '482913' })
      await nothingSent(before)
    })

    test('a non-secure page (not https, not localhost): ERR_WEBCRYPTO_UNAVAILABLE shown, and nothing sent', async (context) => {
      if (!server.insecureUrl) return context.skip('this machine has no address other than loopback')
      await open('key=good', server.insecureUrl)
      const before = server.posts.length
      expect(await page.run(`return window.state().secure`)).toBe(false)
      await page.waitFor(`return window.errorText().includes('crypto.subtle is missing')`, 'the WebCrypto error')
      await page.run(`window.typeInto('482913'); window.submit()`)
      expect(await page.run(`return window.errors`)).toContain('ERR_WEBCRYPTO_UNAVAILABLE')
      await nothingSent(before)
    })
  })
}
