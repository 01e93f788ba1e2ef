// The docs/dom.md examples for Vue 3 and Svelte 5, mounted for real (Vue with its
// template compiler, the Svelte component compiled by svelte/compiler) in happy-dom.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { compile } from 'svelte/compiler'
import { createApp, nextTick } from 'vue'
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { holdsSecret } from '../helpers/secret-search.js'
import { captureNativePosts, typeInto } from '../react/harness.js'
import { VueTransfer } from './examples/vue-transfer.js'

const { publicKey, privateKey } = testKeyPair(2048)
const until = async (check: () => boolean, what: string) => {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('Vue 3', () => {
  function mount(key: string | null) {
    const sent: Record<string, string>[] = []
    const target = document.body.appendChild(document.createElement('div'))
    const app = createApp(VueTransfer, { publicKey: key, send: async (body: Record<string, string>) => void sent.push(body) })
    app.mount(target)
    const pin = target.querySelector<HTMLInputElement>('[data-fincode-field]')!
    const button = target.querySelector('button')!
    return { app, target, sent, pin, button }
  }

  test('send() gets the amount and the ciphertext; the PIN is emptied after', async () => {
    const t = mount(publicKey)
    typeInto(t.pin, '482913')
    t.button.click()
    await until(() => t.sent.length === 1, 'send()')
    await nextTick()
    expect(t.sent[0]!.amount).toBe('1200')
    expect(nodeDecrypt(t.sent[0]!.transactionPin!, privateKey)).toBe('482913')
    expect(holdsSecret(JSON.stringify(t.sent[0]), '482913')).toBe(false)
    await until(() => t.pin.value === '', 'the input to be emptied')
    expect(t.target.querySelector('[role=status]')?.textContent).toBe('Sent.')
    t.app.unmount()
  })

  test('an empty PIN: the message at the field, send() not called', async () => {
    const t = mount(publicKey)
    t.button.click()
    await until(() => t.target.querySelector('#pin-error')!.textContent !== '', 'the error')
    expect(t.target.querySelector('#pin-error')!.textContent).toBe('Enter your PIN.')
    expect(t.pin.getAttribute('aria-invalid')).toBe('true')
    expect(t.sent).toEqual([])
    t.app.unmount()
  })
})

describe('Svelte 5 (an action)', () => {
  // Compiled next to the example, so that its relative import of the action resolves; removed after.
  const source = join(process.cwd(), 'test/dom/examples/Transfer.svelte')
  const built = join(process.cwd(), 'test/dom/examples/Transfer.svelte.compiled.js')
  afterAll(() => rmSync(built, { force: true }))

  async function mount(key: string | null) {
    const { js } = compile(readFileSync(source, 'utf8'), { generate: 'client', filename: 'Transfer.svelte' })
    writeFileSync(built, js.code.replace("'./encrypted-action.js'", "'./encrypted-action.ts'"))
    // The client build of svelte's mount(): in Node, 'svelte' resolves to its server build.
    const clientBuild: string = '../../node_modules/svelte/src/internal/client/render.js'
    const { mount: mountSvelte, unmount } = (await import(/* @vite-ignore */ clientBuild)) as Pick<typeof import('svelte'), 'mount' | 'unmount'>
    const { default: Transfer } = await import(/* @vite-ignore */ built)
    const target = document.body.appendChild(document.createElement('div'))
    const component = mountSvelte(Transfer, { target, props: { publicKey: key } })
    return { target, destroy: () => unmount(component), pin: target.querySelector<HTMLInputElement>('[data-fincode-field]')!, button: target.querySelector('button')! }
  }

  test('the native post carries the ciphertext and never the PIN', async () => {
    const posts = captureNativePosts()
    const t = await mount(publicKey)
    try {
      typeInto(t.pin, '482913')
      t.button.click()
      await until(() => posts.posts.length === 1, 'the post')
      const post = posts.posts[0]!
      expect([...post.keys()].sort()).toEqual(['amount', 'fincodeKeyFingerprint', 'transactionPin'])
      expect(nodeDecrypt(String(post.get('transactionPin')), privateKey)).toBe('482913')
      for (const [, value] of post) expect(holdsSecret(String(value), '482913')).toBe(false)
      expect(t.pin.value).toBe('')
    } finally {
      posts.stop()
      t.destroy()
    }
  })

  test('a key not loaded yet: the message at the field, nothing posted', async () => {
    const posts = captureNativePosts()
    const t = await mount(null)
    try {
      typeInto(t.pin, '482913')
      t.button.click()
      await until(() => t.target.querySelector('#pin-error')!.textContent !== '', 'the error')
      expect(t.target.querySelector('#pin-error')!.textContent).toMatch(/has not loaded yet/)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(posts.posts).toEqual([])
      expect(t.pin.value).toBe('482913')
    } finally {
      posts.stop()
      t.destroy()
    }
  })
})
