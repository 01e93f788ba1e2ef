// Forwarding ciphertexts made in the page, end to end against the sandbox:
// the page loads the key from createPublicKeyHandler and encrypts with the core,
// the form posts FormData (or JSON), the server reads it with readEncryptedFields
// and forwards with client.post(path, body, { fields: [] }), and the sandbox
// decrypts. Then the ways it can go wrong: a key rotated before or after the
// server's check, a stale key on the server, a plaintext where a ciphertext belongs.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encryptPayload, importPublicKey, isKeyRotatedAnswer, readKeyRotated, type KeyRotatedAnswer } from '../src/index.js'
import {
  createFincodeClient,
  createPublicKeyHandler,
  keyRotatedAnswer,
  keyRotatedResponse,
  readEncryptedFields,
  type OutgoingRequest,
  type PublicKeySource,
} from '../src/server/index.js'
import { testKeyPair } from './helpers/keys.js'
import { call, startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

let sandbox: TestSandbox
let token: string
/** The transaction PIN the sandbox holds now; every successful change moves it on. */
let pin = '1357'

beforeAll(async () => {
  sandbox = await startTestSandbox({ transactionPin: pin })
  token = (await sandbox.createToken('shop-backend', '1m')).token
})
afterAll(() => sandbox?.dispose())

// ---- the app's server ------------------------------------------------------

/** The key source: the sandbox's current key, as a secret store updated on rotation would give it. */
const liveKey: PublicKeySource = async () => (await call(sandbox, 'GET', '/encryption-keys/current')).body.publicKey as string

interface Server {
  /** The key source the key endpoint and the action share. */
  publicKey: PublicKeySource
  /** What the client sent to the sandbox. */
  wire: OutgoingRequest[]
  /** Log lines the stale-key check wrote. */
  log: string[]
  /** Runs before the client's fetch: lets a test rotate the key after readEncryptedFields checked it. */
  beforeSend?: () => Promise<unknown>
}

function server(publicKey: PublicKeySource = liveKey, beforeSend?: () => Promise<unknown>): Server {
  return { publicKey, wire: [], log: [], ...(beforeSend ? { beforeSend } : {}) }
}

function fincode(s: Server) {
  return createFincodeClient({
    baseUrl: sandbox.apiUrl,
    token,
    publicKey: s.publicKey,
    uuid: 'integration-0001',
    onRequest: (info) => s.wire.push(info),
    fetch: async (input, init) => (await s.beforeSend?.(), fetch(input, init)),
  })
}

const FIELDS = { currentPin: 'userPin', newPin: 'transactionPin', newPinAgain: 'confirmation.transactionPin' }

/** A Server Action, as docs/key-rotation.md writes it: FormData in, a plain result or the rotated-key answer out. */
async function changePinAction(s: Server, form: FormData): Promise<{ ok: true } | KeyRotatedAnswer> {
  const read = await readEncryptedFields(form, { fields: FIELDS, publicKey: s.publicKey })
  if (!read.ok) return read.answer
  try {
    await fincode(s).post('/services/change-pin', read.body, { fields: [] })
    return { ok: true }
  } catch (error) {
    const answer = await keyRotatedAnswer(error, { fingerprint: read.fingerprint, publicKey: s.publicKey, log: (line) => s.log.push(line) })
    if (answer) return answer
    throw error
  }
}

/** The same as a route handler taking JSON: the answer travels as a 409 response. */
async function changePinRoute(s: Server, request: Request): Promise<Response> {
  const read = await readEncryptedFields((await request.json()) as Record<string, unknown>, { fields: FIELDS, publicKey: s.publicKey })
  if (!read.ok) return Response.json(read.answer, { status: 409 })
  try {
    return Response.json(await fincode(s).post('/services/change-pin', read.body, { fields: [] }))
  } catch (error) {
    const response = await keyRotatedResponse(error, { fingerprint: read.fingerprint, publicKey: s.publicKey, log: (line) => s.log.push(line) })
    if (response) return response
    throw error
  }
}

// ---- the page ---------------------------------------------------------------

/** The page loads the key from the key endpoint and encrypts what the user typed, with the core only. */
async function pageEncrypts(s: Server, typed: Record<string, string>): Promise<Record<string, string>> {
  const served = await (await createPublicKeyHandler(s.publicKey)(new Request('http://shop.test/api/fincode-key'))).json()
  const key = await importPublicKey(served.publicKey)
  const values: Record<string, string> = { fincodeKeyFingerprint: key.fingerprint }
  for (const [name, value] of Object.entries(typed)) values[name] = await encryptPayload(value, key)
  return values
}

function formData(values: Record<string, string>): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries(values)) form.set(name, value)
  return form
}

const typedPins = (next: string) => ({ currentPin: pin, newPin: next, newPinAgain: next })

/** Proof the sandbox holds `expected`: a change from it (encrypted by the client itself) is accepted. */
async function expectSandboxPin(expected: string): Promise<void> {
  const next = expected === '8080' ? '9090' : '8080'
  const client = createFincodeClient({ baseUrl: sandbox.apiUrl, token, publicKey: liveKey, uuid: 'integration-0001' })
  await client.post('/services/change-pin', { userPin: expected, transactionPin: next, confirmation: { transactionPin: next } })
  pin = next
}

// ---- the tests ---------------------------------------------------------------

describe('the page encrypts, the server forwards, the sandbox decrypts', () => {
  test('FormData → readEncryptedFields → client.post(path, body, { fields: [] }): the PIN changes; the ciphertexts travel unchanged', async () => {
    const s = server()
    const values = await pageEncrypts(s, typedPins('2468'))
    const read = await readEncryptedFields(formData(values), { fields: FIELDS, publicKey: s.publicKey })
    expect(read).toEqual({
      ok: true,
      fingerprint: sandbox.currentKey().fingerprint,
      body: { userPin: values.currentPin, transactionPin: values.newPin, confirmation: { transactionPin: values.newPinAgain } },
    })

    expect(await changePinAction(s, formData(values))).toEqual({ ok: true })
    expect(s.wire).toHaveLength(1)
    expect(JSON.parse(s.wire[0]!.body!)).toEqual(read.ok && read.body)
    expect(s.wire[0]!.keyFingerprint).toBeUndefined() // the server encrypted nothing itself
    await expectSandboxPin('2468')
  })

  test('a JSON body through a route handler works the same', async () => {
    const s = server()
    const values = await pageEncrypts(s, typedPins('3579'))
    const response = await changePinRoute(s, new Request('http://shop.test/api/change-pin', { method: 'POST', body: JSON.stringify(values) }))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ changed: true })
    await expectSandboxPin('3579')
  })
})

describe('a key rotated while the form was open', () => {
  test('before the submission: readEncryptedFields answers KEY_ROTATED with the new fingerprint, nothing is sent; encrypted again, the retry lands', async () => {
    const s = server()
    const values = await pageEncrypts(s, typedPins('4680'))
    const rotatedTo = await sandbox.rotateKey()

    const result = await changePinAction(s, formData(values))
    expect(isKeyRotatedAnswer(result)).toBe(true)
    expect(result).toEqual({ error: { code: 'KEY_ROTATED', message: expect.any(String), fingerprint: rotatedTo.fingerprint } })
    expect(s.wire).toHaveLength(0)
    expect((await readKeyRotated(result))?.code).toBe('ERR_KEY_ROTATED')

    // What the form does by itself: the key endpoint already serves the new key.
    expect(await changePinAction(s, formData(await pageEncrypts(s, typedPins('4680'))))).toEqual({ ok: true })
    await expectSandboxPin('4680')
  })

  test('after the server checked it, so FinCode refuses: keyRotatedAnswer gives KEY_ROTATED with the new fingerprint, no log line', async () => {
    let rotatedTo: { fingerprint: string } | undefined
    const s = server(liveKey, async () => (rotatedTo ??= await sandbox.rotateKey()))
    const result = await changePinAction(s, formData(await pageEncrypts(s, typedPins('5791'))))
    expect(result).toEqual({ error: { code: 'KEY_ROTATED', message: expect.any(String), fingerprint: rotatedTo!.fingerprint } })
    expect(s.wire).toHaveLength(1) // forwarded once, refused, not retried: the server holds no plaintext to encrypt again
    expect(s.log).toEqual([])
    expect(await changePinAction(s, formData(await pageEncrypts(s, typedPins('5791'))))).toEqual({ ok: true })
    await expectSandboxPin('5791')
  })

  test('the same through a route handler: a 409 that readKeyRotated turns into ERR_KEY_ROTATED', async () => {
    const s = server()
    const values = await pageEncrypts(s, typedPins('6802'))
    await sandbox.rotateKey()
    const response = await changePinRoute(s, new Request('http://shop.test/api/change-pin', { method: 'POST', body: JSON.stringify(values) }))
    expect(response.status).toBe(409)
    expect((await readKeyRotated(response))?.code).toBe('ERR_KEY_ROTATED')
  })
})

describe('many forms in flight', () => {
  test('20 submissions, the key rotated in the middle of them: each lands exactly once, with at most two sends to FinCode', async () => {
    // The 10th send rotates the key, and every later send waits for the rotation: the forms
    // still on their first attempt then meet it at FinCode or at readEncryptedFields.
    let sent = 0
    let rotation: Promise<unknown> | undefined
    const s = server(liveKey, async () => {
      if (++sent === 10) rotation = sandbox.rotateKey()
      await rotation
    })
    const landed = new Map<string, number>()
    const sends = new Map<string, number>()
    const count = (map: Map<string, number>, marker: string) => map.set(marker, (map.get(marker) ?? 0) + 1)

    /** The server: forwards one form's ciphertext with its marker, or answers that the key was rotated. */
    async function verifyAction(marker: string, form: FormData) {
      const read = await readEncryptedFields(form, { fields: { pin: 'transactionPin' }, publicKey: s.publicKey })
      if (!read.ok) return read.answer
      try {
        count(sends, marker)
        await fincode(s).post('/services/verify-fields', { marker, ...read.body }, { fields: [] })
        count(landed, marker)
        return { ok: true }
      } catch (error) {
        const answer = await keyRotatedAnswer(error, { fingerprint: read.fingerprint, publicKey: s.publicKey })
        if (answer) return answer
        throw error
      }
    }

    /** A page: encrypts, submits, and once more with the current key after KEY_ROTATED. */
    async function submitForm(marker: string): Promise<unknown> {
      for (let attempt = 1; ; attempt++) {
        const result = await verifyAction(marker, formData(await pageEncrypts(s, { pin: '2580' })))
        const refused = await readKeyRotated(result)
        if (!refused) return result
        if (attempt === 2) throw refused
        retried++
      }
    }

    let retried = 0
    const markers = Array.from({ length: 20 }, (_, i) => `form-${i}`)
    const results = await Promise.all(markers.map(submitForm))
    expect(results).toEqual(markers.map(() => ({ ok: true })))
    expect(markers.map((m) => landed.get(m))).toEqual(markers.map(() => 1))
    expect(Math.max(...markers.map((m) => sends.get(m)!))).toBeLessThanOrEqual(2)
    // The rotation really met forms in flight: at least the 11 from the 10th send on were refused
    // (by FinCode, or by readEncryptedFields before sending) and submitted once more.
    expect(retried).toBeGreaterThanOrEqual(11)
  }, 60_000)
})

describe("a stale key on the server (rotated on the dashboard, FINCODE_PUBLIC_KEY not updated)", () => {
  test('KEY_STALE for the page, ERR_KEY_STALE once read, one log line naming the setting; the PIN does not change', async () => {
    const staleKeyText = sandbox.currentKey().publicKey
    const s = server(() => staleKeyText) // what process.env.FINCODE_PUBLIC_KEY still holds
    await sandbox.rotateKey()
    const values = await pageEncrypts(s, typedPins('7913')) // the key endpoint serves the stale key too

    const result = await changePinAction(s, formData(values))
    expect(result).toEqual({ error: { code: 'KEY_STALE', message: expect.stringMatching(/Resubmitting cannot help/) } })
    expect(s.wire).toHaveLength(1)
    expect(s.log).toHaveLength(1)
    expect(s.log[0]).toMatch(/Update FINCODE_PUBLIC_KEY to the current key/)
    expect(s.log[0]).toContain(values.fincodeKeyFingerprint)
    const error = await readKeyRotated(result)
    expect(error?.code).toBe('ERR_KEY_STALE')
    await expectSandboxPin(pin) // unchanged
  })

  test('the setting named in the log line is yours to choose', async () => {
    const staleKeyText = sandbox.currentKey().publicKey
    await sandbox.rotateKey()
    const s = server(() => staleKeyText)
    const lines: string[] = []
    const read = await readEncryptedFields(formData(await pageEncrypts(s, typedPins('1111'))), { fields: FIELDS, publicKey: s.publicKey })
    if (!read.ok) throw new Error('the stale key still matches the page: expected ok')
    const error = await fincode(s).post('/services/change-pin', read.body, { fields: [] }).catch((e: unknown) => e)
    const answer = await keyRotatedAnswer(error, { fingerprint: read.fingerprint, publicKey: s.publicKey, setting: 'vault:shop/fincode-public-key', log: (l) => lines.push(l) })
    expect(answer?.error.code).toBe('KEY_STALE')
    expect(lines).toEqual([expect.stringContaining('Update vault:shop/fincode-public-key')])
  })
})

describe('anything but a ciphertext of the current key is refused and never sent', () => {
  const refusal = async (values: Record<string, string | Blob>, field: string, secret?: string) => {
    const s = server()
    const form = new FormData()
    for (const [name, value] of Object.entries(values)) form.append(name, value)
    const error = await changePinAction(s, form).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    )
    expect(error?.code).toBe('ERR_PAYLOAD_INVALID')
    expect(error?.message).toMatch(new RegExp(`^readEncryptedFields: ${field}\\b`))
    if (secret) expect(error?.message).not.toContain(secret)
    expect(s.wire).toHaveLength(0)
    return error!
  }

  test('a plaintext PIN: named, not echoed, not sent', async () => {
    const values = await pageEncrypts(server(), typedPins('2222'))
    const error = await refusal({ ...values, newPin: '2222' }, 'newPin', '2222')
    expect(error.message).toMatch(/may be a plaintext/)
  })

  test.each([
    ['a password with spaces', () => 'correct horse battery staple'],
    ['the ciphertext in base64url', (c: string) => c.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')],
    ['the ciphertext wrapped at 76 columns', (c: string) => c.replace(/.{76}/g, '$&\n')],
    ['the ciphertext without its padding', (c: string) => c.replace(/=+$/, '')],
    ['Base64 of the right length that decodes to 257 bytes', () => 'A'.repeat(343) + '='],
    ['Base64 of 256 bytes with one character outside the alphabet', (c: string) => `${c.slice(0, 100)}!${c.slice(101)}`],
  ])('%s', async (_, corrupt) => {
    const values = await pageEncrypts(server(), typedPins('3333'))
    await refusal({ ...values, newPinAgain: corrupt(values.newPinAgain!) }, 'newPinAgain')
  })

  test('a ciphertext made with a 4096-bit key while the current key is 2048-bit', async () => {
    const values = await pageEncrypts(server(), typedPins('4444'))
    await refusal({ ...values, currentPin: await encryptPayload('4444', testKeyPair(4096).publicKey) }, 'currentPin')
  })

  test('a missing field, an empty one, one sent twice, a file', async () => {
    const values = await pageEncrypts(server(), typedPins('5555'))
    const { newPin: _, ...withoutNewPin } = values
    expect((await refusal(withoutNewPin, 'newPin')).message).toMatch(/is missing/)
    expect((await refusal({ ...values, newPin: '' }, 'newPin')).message).toMatch(/is missing/)
    const twice = new FormData()
    for (const [name, value] of Object.entries(values)) twice.append(name, value)
    twice.append('newPin', values.newPin!)
    await expect(readEncryptedFields(twice, { fields: FIELDS, publicKey: liveKey })).rejects.toThrow(/newPin was sent 2 times/)
    expect((await refusal({ ...values, newPin: new Blob([values.newPin!]) }, 'newPin')).message).toMatch(/is a file/)
  })

  test('a missing or malformed fincodeKeyFingerprint', async () => {
    const { fincodeKeyFingerprint: fingerprint, ...values } = await pageEncrypts(server(), typedPins('6666'))
    expect((await refusal(values, 'fincodeKeyFingerprint')).message).toMatch(/hidden input/)
    await refusal({ ...values, fincodeKeyFingerprint: fingerprint!.toUpperCase() }, 'fincodeKeyFingerprint')
    await refusal({ ...values, fincodeKeyFingerprint: 'sha256:' + fingerprint }, 'fincodeKeyFingerprint')
  })

  test('a JSON body: a number or an object where a ciphertext belongs', async () => {
    const values = await pageEncrypts(server(), typedPins('7777'))
    for (const value of [7777, { ciphertext: values.newPin }]) {
      await expect(readEncryptedFields({ ...values, newPin: value }, { fields: FIELDS, publicKey: liveKey })).rejects.toMatchObject({
        code: 'ERR_PAYLOAD_INVALID',
        message: expect.stringMatching(/^readEncryptedFields: newPin must be a string/),
      })
    }
  })
})

describe('options', () => {
  const publicKey = testKeyPair(2048).publicKey
  test.each([
    ['no fields', {}],
    ['a list instead of a map', ['transactionPin']],
    ['an empty path segment', { pin: 'confirmation..transactionPin' }],
    ['a path through __proto__', { pin: '__proto__.polluted' }],
    ['two fields at one path', { a: 'transactionPin', b: 'transactionPin' }],
    ['a field inside another', { a: 'confirmation', b: 'confirmation.transactionPin' }],
    ['the fingerprint as a field', { fincodeKeyFingerprint: 'fingerprint' }],
  ])('%s: ERR_CONFIG_INVALID', async (_, fields) => {
    await expect(readEncryptedFields(new FormData(), { fields: fields as Record<string, string>, publicKey })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' })
  })

  test('no key source: ERR_KEY_INVALID', async () => {
    await expect(readEncryptedFields(new FormData(), { fields: { pin: 'transactionPin' }, publicKey: '' })).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' })
  })

  test('two fields under one parent share it', async () => {
    const values = await pageEncrypts(server(), { a: '1', b: '2' })
    const read = await readEncryptedFields(values, { fields: { a: 'confirmation.transactionPin', b: 'confirmation.userPin' }, publicKey: liveKey })
    expect(read.ok && read.body).toEqual({ confirmation: { transactionPin: values.a, userPin: values.b } })
  })
})
