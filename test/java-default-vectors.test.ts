// Project Wycheproof's RSA-OAEP SHA-256 / MGF1-SHA-1 vectors (test/vectors/wycheproof,
// Apache-2.0): first they prove the Node reference decryptor right, then they pin
// javaDefault's encryption byte for byte — the seed hidden in each valid
// ciphertext is recovered and fed back through crypto.getRandomValues, and the
// same message must then encrypt to Wycheproof's exact ciphertext.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { importPublicKey } from '../src/index.js'
import { javaDefault } from '../src/java-default.js'
import { nextRandomValues, oaepUnmask, referenceDecrypt, rsaPrivateRaw } from './helpers/oaep-reference.js'

interface Vector {
  tcId: number
  msg: string
  ct: string
  label: string
  result: 'valid' | 'invalid' | 'acceptable'
  flags: string[]
}

const VECTORS = join(process.cwd(), 'test/vectors/wycheproof')

function load(bits: number): { privateKey: KeyObject; tests: Vector[] } {
  const file = JSON.parse(readFileSync(join(VECTORS, `rsa_oaep_${bits}_sha256_mgf1sha1_test.json`), 'utf8'))
  const [group] = file.testGroups
  expect([group.sha, group.mgf, group.mgfSha]).toEqual(['SHA-256', 'MGF1', 'SHA-1'])
  return { privateKey: createPrivateKey({ key: Buffer.from(group.privateKeyPkcs8, 'hex'), format: 'der', type: 'pkcs8' }), tests: group.tests }
}

afterEach(() => vi.restoreAllMocks())

describe.each([2048, 3072, 4096])('Wycheproof rsa_oaep_%i_sha256_mgf1sha1', (bits) => {
  const { privateKey, tests } = load(bits)

  test('the reference decryptor returns every valid message and refuses every invalid ciphertext', () => {
    expect(tests.length).toBeGreaterThanOrEqual(30)
    for (const t of tests) {
      const decrypt = () => referenceDecrypt(Buffer.from(t.ct, 'hex').toString('base64'), privateKey, 'sha1', Buffer.from(t.label, 'hex')).toString('hex')
      if (t.result === 'valid') expect(decrypt(), `tcId ${t.tcId}`).toBe(t.msg)
      else expect(decrypt, `tcId ${t.tcId}`).toThrow()
    }
  })

  test('javaDefault reproduces every valid empty-label ciphertext exactly, given its seed', async () => {
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64')
    const key = await importPublicKey(spki)
    const valid = tests.filter((t) => t.result === 'valid' && t.label === '')
    expect(valid.length).toBeGreaterThanOrEqual(10)
    for (const t of valid) {
      const { seed } = oaepUnmask(rsaPrivateRaw(Buffer.from(t.ct, 'hex'), privateKey), 'sha1')
      nextRandomValues(seed)
      const ciphertext = await javaDefault.encrypt(key, new Uint8Array(Buffer.from(t.msg, 'hex')))
      expect(Buffer.from(new Uint8Array(ciphertext)).toString('hex'), `tcId ${t.tcId}`).toBe(t.ct)
    }
  })
})
