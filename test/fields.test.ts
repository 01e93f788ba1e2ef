// encryptFields: a copy of the request body in which exactly the sensitive
// strings are ciphertexts, at any depth; everything else, and the input, untouched.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encryptFields, SENSITIVE_FIELDS } from '../src/index.js'
import { nodeDecrypt } from './helpers/decrypt.js'
import { testKeyPair } from './helpers/keys.js'

const { publicKey, privateKey } = testKeyPair(2048)
const CIPHERTEXT_2048 = /^[A-Za-z0-9+/]{342}==$/

afterEach(() => vi.restoreAllMocks())

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value)) deepFreeze(item)
  }
  return value
}

/** JSON with every string under one of `fields` replaced by a marker: what must not change. */
function masked(value: unknown, fields: readonly string[] = SENSITIVE_FIELDS): string {
  return JSON.stringify(value, (name, item: unknown) => (fields.includes(name) && typeof item === 'string' ? '<sensitive>' : item))
}

// A change-PIN-style request with sensitive fields at the top, nested, in arrays of objects and in nested arrays.
const body = deepFreeze({
  cardId: 'card-0001',
  amount: 1200,
  transactionPin: '012345',
  profile: {
    nickname: 'Aiko',
    newPassword: 'n3w-pässwörd',
    currentPassword: 'old-🔒-€',
    tags: ['gold', 'jp'],
    active: true,
    referrer: null,
  },
  questions: [
    { question: 'first pet?', securityAnswer: 'Pochi' },
    { question: 'birth city?', securityAnswer: 'Ōsaka' },
  ],
  devices: [[{ userPin: '0000', model: 'x1' }], []],
  note: 'transactionPin', // a value that happens to be a field name is just a value
  createdAt: new Date('2025-01-02T03:04:05Z'),
})

describe('encryptFields with the default SENSITIVE_FIELDS', () => {
  it('encrypts every sensitive string, at any depth, and each decrypts to its original', async () => {
    const out = await encryptFields(body, publicKey)
    const pairs = [
      [out.transactionPin, body.transactionPin],
      [out.profile.newPassword, body.profile.newPassword],
      [out.profile.currentPassword, body.profile.currentPassword],
      [out.questions[0]!.securityAnswer, body.questions[0]!.securityAnswer],
      [out.questions[1]!.securityAnswer, body.questions[1]!.securityAnswer],
      [out.devices[0]![0]!.userPin, body.devices[0]![0]!.userPin],
    ] as const
    for (const [ciphertext, plaintext] of pairs) {
      expect(ciphertext).toMatch(CIPHERTEXT_2048)
      expect(nodeDecrypt(ciphertext, privateKey)).toBe(plaintext)
    }
  })

  it('leaves every other value byte-identical and every key in its original order', async () => {
    const out = await encryptFields(body, publicKey)
    expect(masked(out)).toBe(masked(body))
    expect(Object.keys(out)).toEqual(Object.keys(body))
    expect(Object.keys(out.profile)).toEqual(Object.keys(body.profile))
    expect(Object.keys(out.devices[0]![0]!)).toEqual(['userPin', 'model'])
  })

  it('never modifies the input: a deep-frozen body works and is unchanged, and the result shares no object or array with it', async () => {
    const before = JSON.stringify(body)
    const out = await encryptFields(body, publicKey)
    expect(JSON.stringify(body)).toBe(before)
    expect(out).not.toBe(body)
    expect(out.profile).not.toBe(body.profile)
    expect(out.profile.tags).not.toBe(body.profile.tags)
    expect(out.questions).not.toBe(body.questions)
    expect(out.devices[0]).not.toBe(body.devices[0])
  })

  it('encrypts nothing else: a near-miss name or a different case is not a sensitive field', async () => {
    const input = { TransactionPin: '1', transaction_pin: '2', pin: '3', password: '4', userPIN: '5' }
    expect(await encryptFields(input, publicKey)).toEqual(input)
  })

  it('drops undefined under a sensitive key, as JSON.stringify does: nothing is sent for it', async () => {
    const out = await encryptFields({ cardId: 'c', userPin: undefined, profile: { newPassword: undefined } }, publicKey)
    expect('userPin' in out).toBe(false)
    expect(out.profile.newPassword).toBeUndefined()
    expect(JSON.stringify(out)).toBe('{"cardId":"c","profile":{}}')
  })

  it('refuses an empty string under a sensitive key, naming its path: there is nothing to encrypt', async () => {
    await expect(encryptFields({ profile: { securityAnswer: '' } }, publicKey)).rejects.toMatchObject({
      code: 'ERR_PAYLOAD_INVALID',
      message: expect.stringMatching(/^body\.profile\.securityAnswer: payload must be a non-empty string, got an empty one/),
    })
  })

  it('gives equal values different ciphertexts (OAEP is randomised), each decrypting to the value', async () => {
    const out = await encryptFields({ newPassword: 'same', currentPassword: 'same' }, publicKey)
    expect(out.newPassword).not.toBe(out.currentPassword)
    expect([nodeDecrypt(out.newPassword, privateKey), nodeDecrypt(out.currentPassword, privateKey)]).toEqual(['same', 'same'])
  })

  it('imports a key text once for all the fields of a body', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    await encryptFields(body, `${publicKey}\n\n\n\n\n\n`) // text the cache has not seen
    expect(importKey).toHaveBeenCalledTimes(1)
  })
})

describe('encryptFields with options.fields', () => {
  it('replaces the default list rather than adding to it', async () => {
    const input = deepFreeze({ cardNumber: '4111111111111111', cvv: '012', transactionPin: '0000', name: 'A' })
    const out = await encryptFields(input, publicKey, { fields: ['cardNumber', 'cvv'] })
    expect(nodeDecrypt(out.cardNumber, privateKey)).toBe('4111111111111111')
    expect(nodeDecrypt(out.cvv, privateKey)).toBe('012')
    expect(out.transactionPin).toBe('0000')
    expect(masked(out, ['cardNumber', 'cvv'])).toBe(masked(input, ['cardNumber', 'cvv']))
  })

  it('with an empty list encrypts nothing and still returns a copy', async () => {
    const out = await encryptFields(body, publicKey, { fields: [] })
    expect(out).toEqual(JSON.parse(JSON.stringify(body)))
    expect(out).not.toBe(body)
  })
})

describe('encryptFields copies bodies as JSON.stringify sees them', () => {
  it('exports SENSITIVE_FIELDS, frozen, as the names FinCode\'s docs list', () => {
    expect(SENSITIVE_FIELDS).toEqual(['currentPassword', 'newPassword', 'transactionPin', 'userPin', 'securityAnswer'])
    expect(Object.isFrozen(SENSITIVE_FIELDS)).toBe(true)
  })

  it('takes a top-level array body', async () => {
    const out = await encryptFields([{ userPin: '1111' }, { userPin: '2222' }, 'x', 3], publicKey)
    expect(out.slice(2)).toEqual(['x', 3])
    expect(nodeDecrypt((out[1] as { userPin: string }).userPin, privateKey)).toBe('2222')
  })

  it('applies toJSON as JSON.stringify does: a Date becomes its ISO string in the copy', async () => {
    const out = await encryptFields(body, publicKey)
    expect(out.createdAt).toBe('2025-01-02T03:04:05.000Z')
  })

  it('copies an object reached twice (not a cycle) in both places', async () => {
    const shared = { userPin: '4321' }
    const out = await encryptFields({ a: shared, b: shared }, publicKey)
    expect(nodeDecrypt(out.a.userPin, privateKey)).toBe('4321')
    expect(nodeDecrypt(out.b.userPin, privateKey)).toBe('4321')
    expect(shared.userPin).toBe('4321')
  })

  it('keeps a "__proto__" key that JSON.parse produced, instead of turning it into the copy\'s prototype', async () => {
    const input = JSON.parse('{"cardId":"c","__proto__":{"userPin":"9999","x":1}}') as Record<string, { userPin: string; x: number }>
    const out = await encryptFields(input, publicKey)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['cardId', '__proto__'])
    expect(JSON.stringify(out)).toMatch(/^\{"cardId":"c","__proto__":\{"userPin":"[A-Za-z0-9+/]{342}==","x":1\}\}$/)
    expect(nodeDecrypt(out['__proto__']!.userPin, privateKey)).toBe('9999')
  })
})
