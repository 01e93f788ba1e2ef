// The plain HTML example of docs/dom.md (examples/pay.html + pay.ts), and its
// Japanese message for a key not loaded (japanese-key-message.ts), run as shown.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, vi } from 'vitest'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { holdsSecret } from '../helpers/secret-search.js'
import { captureNativePosts, typeInto } from '../react/harness.js'

const { publicKey, privateKey } = testKeyPair(2048)
const until = async (check: () => boolean) => {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5000) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function load(key: string | undefined) {
  vi.resetModules() // pay.ts binds the form when it is imported: once per page
  document.body.innerHTML = readFileSync(join(process.cwd(), 'test/dom/examples/pay.html'), 'utf8')
  if (key) document.body.dataset.publicKey = key
  else delete document.body.dataset.publicKey
  await import('./examples/pay.js')
  return { pin: document.querySelector<HTMLInputElement>('[data-fincode-field]')!, button: document.querySelector('button')!, error: document.getElementById('pin-error')! }
}

test('pay.html + pay.ts: the native post carries amount, the ciphertext and the key fingerprint, never the PIN', async () => {
  const posts = captureNativePosts()
  try {
    const page = await load(publicKey)
    typeInto(page.pin, '482913')
    page.button.click()
    await until(() => posts.posts.length === 1)
    const post = posts.posts[0]!
    expect([...post.keys()].sort()).toEqual(['amount', 'fincodeKeyFingerprint', 'transactionPin'])
    expect(nodeDecrypt(String(post.get('transactionPin')), privateKey)).toBe('482913')
    for (const [, value] of post) expect(holdsSecret(String(value), '482913')).toBe(false)
    expect(page.pin.value).toBe('')
  } finally {
    posts.stop()
  }
})

test('pay.ts: a refused PIN shows its message and posts nothing', async () => {
  const posts = captureNativePosts()
  try {
    const page = await load(publicKey)
    typeInto(page.pin, '12')
    page.button.click()
    await until(() => page.error.textContent !== '')
    expect(page.error.textContent).toBe('Use 4 to 8 digits.')
    expect(posts.posts).toEqual([])
  } finally {
    posts.stop()
  }
})

test('japanese-key-message.ts: no key yet → the Japanese text instead of the library message', async () => {
  await import('./examples/japanese-key-message.js')
  const posts = captureNativePosts()
  try {
    const page = await load(undefined)
    typeInto(page.pin, '482913')
    page.button.click()
    await until(() => page.error.textContent !== '')
    expect(page.error.textContent).toBe('暗号化キーを読み込み中です。')
    expect(posts.posts).toEqual([])
  } finally {
    posts.stop()
  }
})
