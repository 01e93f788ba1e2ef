// Recovery from a key rotated while a form is filled: the page encrypts, "your
// server" forwards to a real sandbox, the sandbox refuses the old key, and
// submitWithKeyRecovery encrypts what the inputs still hold with the new key and
// sends once more. Nothing is typed again; no PIN leaves the page.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest'
import { encryptPayload, FincodeSecureError } from '../../src/index.js'
import { createFincodeKeySource, fixedKeySource, type FincodeKeySource } from '../../src/page/key-source.js'
import { KEY_ROTATED_MESSAGES } from '../../src/key-rotated.js'
import { submitWithKeyRecovery, type KeyRetry } from '../../src/page/recover.js'
import { startKeyRotationApp, type KeyRotationApp } from '../helpers/key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js'
import { holdsSecret } from '../helpers/secret-search.js'
import { buffered } from '../helpers/buffered-response.js'

let sandbox: TestSandbox
let app: KeyRotationApp
let source: FincodeKeySource

beforeAll(async () => {
  sandbox = await startTestSandbox()
  app = await startKeyRotationApp(sandbox)
})
afterAll(async () => {
  await app?.close()
  await sandbox?.dispose()
})
beforeEach(async () => {
  app.keyMode('live')
  source = createFincodeKeySource(`${app.url}/api/fincode-key`)
  await source.current() // the page loaded its key before the user started typing
})

/** A plain DOM form whose inputs hold the PINs; nothing else keeps them. */
function pinForm(values: Record<string, string>): HTMLFormElement {
  document.body.innerHTML = '<form></form>'
  const form = document.querySelector('form')!
  for (const [name, value] of Object.entries(values)) {
    const input = document.createElement('input')
    input.type = 'password'
    input.dataset['encryptedName'] = name // nameless: the plaintext is never part of a FormData
    input.value = value
    form.append(input)
  }
  return form
}

/** Encrypts what the form's inputs hold now, under their data-encrypted-name. */
function encryptInputs(form: HTMLFormElement, calls: string[] = []) {
  return async (key: { fingerprint: string }) => {
    calls.push(key.fingerprint)
    const values: Record<string, string> = {}
    for (const input of form.querySelectorAll<HTMLInputElement>('input[data-encrypted-name]')) {
      values[input.dataset['encryptedName']!] = await encryptPayload(input.value, key as Parameters<typeof encryptPayload>[1])
    }
    return values
  }
}

// Answers are buffered first in happy-dom (see buffered-response.ts).
const post = (path: string) => (values: Record<string, string>) =>
  fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) }).then(buffered)

/** The sandbox's change-pin wants the confirmation nested: { confirmation: { transactionPin } }. */
const changePin = ({ confirmationPin, ...values }: Record<string, string>) =>
  fetch(`${app.url}/api/change-pin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...values, confirmation: { transactionPin: confirmationPin } }),
  }).then(buffered)

test('PIN form filled, key rotated out of band, submit: the sandbox changes the PIN on the second send, nothing typed again', async () => {
  const form = pinForm({ userPin: '0000', transactionPin: '482913', confirmationPin: '482913' })
  const oldFingerprint = source.getSnapshot().fingerprint!
  const rotated = await sandbox.rotateKey() // as an admin does on the dashboard

  const encrypted: string[] = []
  const retries: KeyRetry[] = []
  const forwardsBefore = app.forwards.length
  const response = await submitWithKeyRecovery({
    keySource: source,
    encrypt: encryptInputs(form, encrypted),
    send: changePin,
    onRetry: (retry) => retries.push(retry),
  })

  expect(response.status).toBe(200)
  expect(await response.json()).toMatchObject({ changed: true })
  expect(encrypted, 'encrypted twice, from the inputs, with the old key then the new one').toEqual([oldFingerprint, rotated.fingerprint])
  expect(retries).toEqual([{ previousFingerprint: oldFingerprint, fingerprint: rotated.fingerprint }])
  expect(app.forwards.slice(forwardsBefore)).toEqual([
    { marker: undefined, fingerprint: oldFingerprint, status: 409 },
    { marker: undefined, fingerprint: rotated.fingerprint, status: 200 },
  ])
  expect(source.getSnapshot().fingerprint, 'the page now holds the new key').toBe(rotated.fingerprint)
  for (const { body } of app.received) for (const pin of ['0000', '482913']) expect(holdsSecret(body, pin), body).toBe(false)

  // The sandbox really has the new PIN: changing it back with 482913 as the current PIN works.
  const back = await submitWithKeyRecovery({
    keySource: source,
    encrypt: async (key) => ({ userPin: await encryptPayload('482913', key), transactionPin: await encryptPayload('0000', key), confirmationPin: await encryptPayload('0000', key) }),
    send: changePin,
  })
  expect(back.status).toBe(200)
})

test('two rotations in a row: the retry uses the newest key and lands', async () => {
  const form = pinForm({ transactionPin: '482913' })
  const first = source.getSnapshot().fingerprint!
  await sandbox.rotateKey()
  const newest = await sandbox.rotateKey()
  const encrypted: string[] = []
  const response = await submitWithKeyRecovery({ keySource: source, encrypt: encryptInputs(form, encrypted), send: post('/api/verify') })
  expect(response.status).toBe(200)
  expect((await response.json()).fields).toEqual([expect.objectContaining({ field: 'transactionPin', decrypted: true, keyFingerprint: newest.fingerprint })])
  expect(encrypted).toEqual([first, newest.fingerprint])
})

test('what is sent carries fincodeKeyFingerprint: the fingerprint of the key the ciphertexts were made with', async () => {
  const form = pinForm({ transactionPin: '482913' })
  const sent: Record<string, string>[] = []
  await submitWithKeyRecovery({ keySource: source, encrypt: encryptInputs(form), send: (values) => (sent.push(values), post('/api/verify')(values)) })
  expect(sent).toEqual([{ transactionPin: expect.stringMatching(/^[A-Za-z0-9+/]{342}==$/), fincodeKeyFingerprint: sandbox.currentKey().fingerprint }])
})

test('a stale server key (the key endpoint still serves the rotated key) → ERR_KEY_STALE after one send, with the setting to update', async () => {
  app.keyMode('stale') // the server's FINCODE_PUBLIC_KEY is not updated after the rotation below
  await sandbox.rotateKey()
  const form = pinForm({ transactionPin: '482913' })
  const stale = createFincodeKeySource(`${app.url}/api/fincode-key`)
  const forwardsBefore = app.forwards.length
  let retried = false
  const failure = await submitWithKeyRecovery({ keySource: stale, encrypt: encryptInputs(form), send: post('/api/verify'), onRetry: () => (retried = true) }).catch((e: unknown) => e)
  expect(failure).toBeInstanceOf(FincodeSecureError)
  expect(failure).toMatchObject({
    code: 'ERR_KEY_STALE',
    message: expect.stringMatching(/refused key [0-9a-f]{12}… as rotated, but the key source still serves that same key.*FINCODE_PUBLIC_KEY/),
  })
  expect(app.forwards.length - forwardsBefore, 'no second send with the same key').toBe(1)
  expect(retried).toBe(false)
})

test("the server's own KEY_STALE answer (a Server Action's return value) → ERR_KEY_STALE, no retry", async () => {
  const form = pinForm({ transactionPin: '482913' })
  let sends = 0
  const answer = { error: { code: 'KEY_STALE', message: 'The server key is out of date; the operator has been told.' } }
  await expect(submitWithKeyRecovery({ keySource: source, encrypt: encryptInputs(form), send: () => (sends++, answer) })).rejects.toMatchObject({
    code: 'ERR_KEY_STALE',
    // The page shows the library's own text for the answer, never the server's: it may say more than a page should.
    message: KEY_ROTATED_MESSAGES.KEY_STALE,
  })
  expect(sends).toBe(1)
})

test('the rotated-key answer as a Server Action returns it (a plain object), and as a thrown ERR_KEY_ROTATED, starts the retry too', async () => {
  const form = pinForm({ transactionPin: '482913' })
  for (const refuse of [
    () => ({ error: { code: 'KEY_ROTATED', message: 'rotated' } }),
    () => {
      throw new FincodeSecureError('ERR_KEY_ROTATED', 'POST /services/verify-fields was refused: rotated')
    },
  ]) {
    await sandbox.rotateKey()
    const attempts: number[] = []
    const result = await submitWithKeyRecovery({
      keySource: source,
      encrypt: encryptInputs(form),
      // "Your action": it forwards, and reports the sandbox's refusal its own way.
      send: async (values, attempt) => {
        attempts.push(attempt)
        const response = await post('/api/verify')(values)
        return response.status === 409 ? refuse() : { ok: true, body: await response.json() }
      },
    })
    expect(attempts).toEqual([1, 2])
    expect(result).toMatchObject({ ok: true, body: { fields: [{ decrypted: true }] } })
  }
})

test('a rotation during the retry: the second refusal is the error, no third send, and the source moves to the newest key', async () => {
  const form = pinForm({ transactionPin: '482913' })
  await sandbox.rotateKey()
  const attempts: number[] = []
  let newest = ''
  const failure = await submitWithKeyRecovery({
    keySource: source,
    encrypt: encryptInputs(form),
    send: async (values, attempt) => {
      attempts.push(attempt)
      if (attempt === 2) newest = (await sandbox.rotateKey()).fingerprint // rotated again while the retry is on its way
      return post('/api/verify')(values)
    },
  }).catch((e: unknown) => e)
  expect(failure).toMatchObject({ code: 'ERR_KEY_ROTATED', message: expect.stringMatching(/rotated again while this form was sent.*Submit again\.$/) })
  expect(attempts).toEqual([1, 2])
  await expect.poll(() => source.getSnapshot().fingerprint).toBe(newest)
  // The user's next click then lands at once.
  const next = await submitWithKeyRecovery({ keySource: source, encrypt: encryptInputs(form), send: post('/api/verify') })
  expect(next.status).toBe(200)
})

test('no retry for anything but the rotated-key answer: a 5xx or 422 answer is returned as is, a network error is thrown as is', async () => {
  const form = pinForm({ transactionPin: '482913' })
  let sends = 0
  const unavailable = await submitWithKeyRecovery({
    keySource: source,
    encrypt: encryptInputs(form),
    send: () => (sends++, new Response('{"error":{"code":"KEY_ROTATED","message":"a 503 is never a rotation"}}', { status: 503 })),
  })
  expect(unavailable.status).toBe(503)
  expect(sends).toBe(1)

  const refused = await submitWithKeyRecovery({ keySource: source, encrypt: async () => ({ transactionPin: 'bm90IGEgY2lwaGVydGV4dA==' }), send: post('/api/verify') })
  expect(refused.status).toBe(422) // not decryptable: encrypting again would not help

  const offline = new TypeError('Failed to fetch')
  sends = 0
  await expect(submitWithKeyRecovery({ keySource: source, encrypt: encryptInputs(form), send: () => (sends++, Promise.reject(offline)) })).rejects.toBe(offline)
  expect(sends).toBe(1)
})

test("the Response handed back keeps its body unread: recovery reads the 409 from a clone", async () => {
  const form = pinForm({ transactionPin: '482913' })
  await sandbox.rotateKey()
  const responses: Response[] = []
  const final = await submitWithKeyRecovery({ keySource: source, encrypt: encryptInputs(form), send: async (values) => (responses.push(await post('/api/verify')(values)), responses.at(-1)!) })
  expect(responses.map((r) => r.status)).toEqual([409, 200])
  expect(responses[0]!.bodyUsed).toBe(false)
  expect(await responses[0]!.json()).toMatchObject({ error: { code: 'KEY_ROTATED', fingerprint: sandbox.currentKey().fingerprint } })
  expect(await final.json()).toMatchObject({ fields: [{ field: 'transactionPin', decrypted: true }] })
})

test('a form given its key as fixed text cannot fetch the new one: ERR_KEY_ROTATED after one send, saying to load the key from the server', async () => {
  const form = pinForm({ transactionPin: '482913' })
  const fixed = fixedKeySource(sandbox.currentKey().publicKey)
  await sandbox.rotateKey()
  let sends = 0
  await expect(
    submitWithKeyRecovery({ keySource: fixed, encrypt: encryptInputs(form), send: (values) => (sends++, post('/api/verify')(values)) }),
  ).rejects.toMatchObject({ code: 'ERR_KEY_ROTATED', message: expect.stringContaining('<FincodeKeyProvider url="…"> or createFincodeKeySource(url)') })
  expect(sends).toBe(1)
})
