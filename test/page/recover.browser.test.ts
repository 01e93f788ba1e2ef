// Key rotation in real Chromium: the page loads its key from "your server", encrypts,
// and posts; the server forwards to a real sandbox (both run in Node, driven through
// the key-rotation commands). Responses are fetch's own: the 409 is read from a clone.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest'
import { commands } from 'vitest/browser'
import { encryptPayload, type FincodePublicKey } from '../../src/index.js'
import { createFincodeKeySource, type FincodeKeySource } from '../../src/page/key-source.js'
import { submitWithKeyRecovery } from '../../src/page/recover.js'
import { holdsSecret } from '../helpers/secret-search.js'

let appUrl: string
let source: FincodeKeySource

beforeAll(async () => {
  ;({ appUrl } = await commands.keyRotationStart())
})
afterAll(() => commands.keyRotationStop())
beforeEach(async () => {
  await commands.keyRotationKeyMode('live')
  source = createFincodeKeySource(`${appUrl}/api/fincode-key`)
  await source.current()
})

/** One form per submission: a nameless password input holding the PIN, and nothing else holding it. */
function pinInput(value: string): HTMLInputElement {
  const input = document.createElement('input')
  input.type = 'password'
  input.value = value
  document.body.append(input)
  return input
}

const encryptInput = (input: HTMLInputElement, used: string[] = []) => async (key: FincodePublicKey) => {
  used.push(key.fingerprint)
  return { transactionPin: await encryptPayload(input.value, key) }
}

const verify = (extra: Record<string, string> = {}) => (values: Record<string, string>) =>
  fetch(`${appUrl}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...values, ...extra }) })

test('PIN filled, key rotated out of band, submit: refused once, accepted on the second send; no PIN in any request', async () => {
  const input = pinInput('482913')
  const old = source.getSnapshot().fingerprint!
  const rotated = await commands.keyRotationRotate()
  const used: string[] = []
  const before = (await commands.keyRotationState()).forwards.length

  const response = await submitWithKeyRecovery({ keySource: source, encrypt: encryptInput(input, used), send: verify() })
  expect(response.status).toBe(200)
  expect(await response.json()).toMatchObject({ fields: [{ field: 'transactionPin', decrypted: true, keyFingerprint: rotated }] })
  expect(used).toEqual([old, rotated])
  const state = await commands.keyRotationState()
  expect(state.forwards.slice(before).map((f) => [f.fingerprint, f.status])).toEqual([
    [old, 409],
    [rotated, 200],
  ])
  expect(input.value, 'the input still holds what was typed').toBe('482913')
  for (const body of state.bodies) expect(holdsSecret(body, '482913'), body).toBe(false)
})

test('submit 5 s after the rotation: the same', async () => {
  const input = pinInput('739104')
  const rotated = await commands.keyRotationRotate()
  await new Promise((resolve) => setTimeout(resolve, 5_000))
  const response = await submitWithKeyRecovery({ keySource: source, encrypt: encryptInput(input), send: verify() })
  expect(response.status).toBe(200)
  expect(source.getSnapshot().fingerprint).toBe(rotated)
})

test('two rotations in a row: the retry uses the newest key', async () => {
  const input = pinInput('482913')
  await commands.keyRotationRotate()
  const newest = await commands.keyRotationRotate()
  const used: string[] = []
  const response = await submitWithKeyRecovery({ keySource: source, encrypt: encryptInput(input, used), send: verify() })
  expect(response.status).toBe(200)
  expect(used.at(-1)).toBe(newest)
  expect(used).toHaveLength(2)
})

test('a stale server key → ERR_KEY_STALE after one send', async () => {
  await commands.keyRotationKeyMode('stale')
  await commands.keyRotationRotate()
  const stale = createFincodeKeySource(`${appUrl}/api/fincode-key`)
  const before = (await commands.keyRotationState()).forwards.length
  await expect(submitWithKeyRecovery({ keySource: stale, encrypt: encryptInput(pinInput('482913')), send: verify() })).rejects.toMatchObject({
    code: 'ERR_KEY_STALE',
  })
  expect((await commands.keyRotationState()).forwards.length - before).toBe(1)
})

for (const [mode, code] of [
  ['down', 'ERR_KEY_MISSING'],
  ['garbage', 'ERR_KEY_INVALID'],
  ['private', 'ERR_KEY_PRIVATE'],
  ['ec', 'ERR_KEY_UNSUPPORTED'],
] as const) {
  test(`key endpoint ${mode} → ${code}, nothing encrypted or sent`, async () => {
    await commands.keyRotationKeyMode(mode)
    const broken = createFincodeKeySource(`${appUrl}/api/fincode-key`)
    const before = (await commands.keyRotationState()).forwards.length
    const used: string[] = []
    await expect(submitWithKeyRecovery({ keySource: broken, encrypt: encryptInput(pinInput('482913'), used), send: verify() })).rejects.toMatchObject({ code })
    expect(broken.getSnapshot()).toMatchObject({ status: 'error', error: { code } })
    expect(used).toEqual([])
    expect((await commands.keyRotationState()).forwards.length).toBe(before)
  })
}

/** Submits `count` forms at once, each with its marker; `during` runs while they are on their way. */
async function concurrentSubmissions(count: number, during: () => Promise<unknown>) {
  const run = `${Date.now().toString(36)}-`
  const markers = Array.from({ length: count }, (_, i) => `${run}${String(i).padStart(2, '0')}`)
  const inputs = markers.map((_, i) => pinInput(String(100000 + i)))
  const retries: string[] = []
  const submissions = markers.map((marker, i) =>
    submitWithKeyRecovery({ keySource: source, encrypt: encryptInput(inputs[i]!), send: verify({ marker }), onRetry: () => retries.push(marker) }),
  )
  await during()
  const responses = await Promise.all(submissions)
  const { forwards, keyRequests } = await commands.keyRotationState()
  return { markers, responses, retries, forwards: forwards.filter((f) => f.marker?.startsWith(run)), keyRequests }
}

function expectEachLandedOnce(markers: string[], forwards: { marker: string | undefined; status: number }[]) {
  for (const marker of markers) {
    const sends = forwards.filter((f) => f.marker === marker)
    expect(sends.filter((f) => f.status === 200), `${marker} accepted exactly once`).toHaveLength(1)
    expect(sends.length, `${marker}: at most two sends`).toBeLessThanOrEqual(2)
    expect(sends.every((f) => f.status === 200 || f.status === 409), `${marker}: only 200 and 409`).toBe(true)
  }
}

test('20 forms posting to /services/verify-fields, the key rotated before they submit: each lands exactly once, two sends each', async () => {
  const rotated = await commands.keyRotationRotate()
  const keyRequestsBefore = (await commands.keyRotationState()).keyRequests
  const { markers, responses, retries, forwards, keyRequests } = await concurrentSubmissions(20, async () => {})
  expect(responses.map((r) => r.status)).toEqual(markers.map(() => 200))
  expectEachLandedOnce(markers, forwards)
  expect(forwards).toHaveLength(40)
  expect(retries).toHaveLength(20)
  expect(source.getSnapshot().fingerprint).toBe(rotated)
  // Refusals that arrive while a refresh runs share it; a refusal arriving after it finds the new key already loaded.
  expect(keyRequests - keyRequestsBefore, 'key requests for 20 refusals').toBeLessThanOrEqual(2)
})

test('20 forms posting to /services/verify-fields, one rotation while they are on their way: each lands exactly once, at most two sends each', async () => {
  const { markers, responses, forwards } = await concurrentSubmissions(20, () => commands.keyRotationRotate())
  expect(responses.map((r) => r.status)).toEqual(markers.map(() => 200))
  expectEachLandedOnce(markers, forwards)
  expect(forwards.length).toBeGreaterThanOrEqual(20)
  expect(forwards.length).toBeLessThanOrEqual(40)
})
