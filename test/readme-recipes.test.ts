// The README's recipes are files under test/examples/readme/, kept identical to the README's blocks here.
// Recipe 3 (the key route and the forwarding route) runs against the sandbox as an operator lives through a
// rotation: the page loads the key from the key route, encrypts, posts; after a rotation the same ciphertexts get
// KEY_ROTATED and the page recovers with the new key; a server still serving the old key gets KEY_STALE.
// Recipe 1 (the React page) runs in happy-dom: readme-recipes.dom.test.tsx.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { encryptPayload, importPublicKey, isFincodeSecureError, readKeyRotated } from '../src/index.js'
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

const readme = readFileSync('README.md', 'utf8')
const blocks = [...readme.matchAll(/```(?:ts|tsx) file=(\S+)\n([^]*?)\n```/g)].map((m) => [m[1]!, m[2]!] as const)

test('the README names each recipe file, and shows it as it is', () => {
  expect(blocks.map(([file]) => file)).toEqual(['app/change-pin/pin-form.tsx', 'lib/fincode.ts', 'app/api/fincode-key/route.ts', 'app/api/change-pin/route.ts'])
  for (const [file, code] of blocks) expect(code, file).toBe(readFileSync(`test/examples/readme/${file}`, 'utf8').trimEnd())
})

describe('recipe 3, against the sandbox', () => {
  let sandbox: TestSandbox
  let keyRoute: (request: Request) => Promise<Response>
  let changePinRoute: (request: Request) => Promise<Response>
  let pin = '0000'

  beforeAll(async () => {
    sandbox = await startTestSandbox({ transactionPin: pin })
    // The deployment's settings, as the operator configured them.
    process.env.FINCODE_API_URL = sandbox.apiUrl
    process.env.FINCODE_API_TOKEN = (await sandbox.createToken('readme', '1m')).token
    process.env.FINCODE_UUID = 'readme-recipes'
    process.env.FINCODE_PUBLIC_KEY = sandbox.currentKey().publicKey
    keyRoute = (await import('./examples/readme/app/api/fincode-key/route.js')).GET
    changePinRoute = (await import('./examples/readme/app/api/change-pin/route.js')).POST
  })
  afterAll(() => sandbox?.dispose())

  /** What the page does: load the key from the key route, encrypt the three PINs, keep the fingerprint. */
  async function pageEncrypts(current: string, next: string) {
    const response = await keyRoute(new Request('http://shop.test/api/fincode-key'))
    expect(response.status).toBe(200)
    const key = await importPublicKey(((await response.json()) as { publicKey: string }).publicKey)
    return {
      currentPin: await encryptPayload(current, key),
      newPin: await encryptPayload(next, key),
      newPinAgain: await encryptPayload(next, key),
      fincodeKeyFingerprint: key.fingerprint,
    }
  }
  const post = (values: object) => changePinRoute(new Request('http://shop.test/api/change-pin', { method: 'POST', body: JSON.stringify(values) }))

  test('the key route serves the current key, with its fingerprint as the ETag', async () => {
    const response = await keyRoute(new Request('http://shop.test/api/fincode-key'))
    const body = (await response.json()) as { publicKey: string; fingerprint: string }
    expect([body.publicKey, body.fingerprint, response.headers.get('etag')]).toEqual([sandbox.currentKey().publicKey, sandbox.currentKey().fingerprint, `"${sandbox.currentKey().fingerprint}"`])
  })

  test('the page’s ciphertexts change the PIN', async () => {
    const response = await post(await pageEncrypts(pin, '2468'))
    const answer = (await response.json()) as { changed: boolean; fields: { field: string; decrypted: boolean }[] }
    expect(answer.changed).toBe(true)
    expect(answer.fields.map((f) => `${f.field}:${f.decrypted}`)).toEqual(['userPin:true', 'transactionPin:true', 'confirmation.transactionPin:true'])
    pin = '2468'
  })

  test('rotated while the form was open: 409 KEY_ROTATED, read as ERR_KEY_ROTATED; the page encrypts again with the new key', async () => {
    const typedBeforeTheRotation = await pageEncrypts(pin, '1357')
    await sandbox.rotateKey()
    process.env.FINCODE_PUBLIC_KEY = sandbox.currentKey().publicKey // the operator's update
    const refused = await post(typedBeforeTheRotation)
    expect(refused.status).toBe(409)
    const error = await readKeyRotated(refused)
    expect([error?.code, error?.message]).toEqual(['ERR_KEY_ROTATED', expect.stringContaining('encrypt the fields again with the current key')])
    const again = await post(await pageEncrypts(pin, '1357'))
    expect(((await again.json()) as { changed: boolean }).changed).toBe(true)
    pin = '1357'
  })

  test('a server still serving the old key: 409 KEY_STALE (ERR_KEY_STALE) and one log line naming FINCODE_PUBLIC_KEY; the PIN is unchanged', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      await sandbox.rotateKey() // and the operator has not updated FINCODE_PUBLIC_KEY yet
      const refused = await post(await pageEncrypts(pin, '8642'))
      expect(refused.status).toBe(409)
      expect((await readKeyRotated(refused))?.code).toBe('ERR_KEY_STALE')
      expect(log.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringContaining('Update FINCODE_PUBLIC_KEY')])
    } finally {
      log.mockRestore()
      process.env.FINCODE_PUBLIC_KEY = sandbox.currentKey().publicKey
    }
    // Once the operator updated the key, the same change from the same current PIN goes through: it had not changed.
    expect(((await (await post(await pageEncrypts(pin, '8642'))).json()) as { changed: boolean }).changed).toBe(true)
    pin = '8642'
  })

  test('a PIN sent as it was typed is refused, naming the field, and not forwarded', async () => {
    const { fincodeKeyFingerprint } = await pageEncrypts(pin, '1111')
    const error = await post({ currentPin: pin, newPin: '1111', newPinAgain: '1111', fincodeKeyFingerprint }).catch((e: unknown) => e)
    expect(isFincodeSecureError(error) && [error.code, error.message.includes('currentPin'), error.message.includes(pin)]).toEqual(['ERR_PAYLOAD_INVALID', true, false])
  })
})
