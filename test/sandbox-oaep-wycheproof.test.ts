// The sandbox's OAEP decoder against Project Wycheproof: every case of every
// file — valid ciphertexts give their message, invalid ones are refused.
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { oaepDecrypt, oaepDecryptAnyVariant, type Mgf1Hash } from '../src/sandbox/oaep-decrypt.js'

// ../shared from the main checkout, ../../shared from a worktree under wt/.
const dir = ['../shared', '../../shared'].map((up) => join(process.cwd(), up, 'vectors/wycheproof')).find((d) => existsSync(d))
if (!dir) throw new Error('Wycheproof vectors not found in ../shared or ../../shared (vectors/wycheproof)')

interface Case { tcId: number; msg: string; ct: string; label: string; result: 'valid' | 'invalid'; flags: string[]; comment: string }
interface Group { keySize: number; sha: string; mgfSha: 'SHA-1' | 'SHA-256'; privateKeyPkcs8: string; tests: Case[] }

const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
const unhex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))

test('the vector set covers 2048, 3072 and 4096 bits with both MGF1 hashes', () => {
  expect(files).toEqual([
    'rsa_oaep_2048_sha256_mgf1sha1_test.json',
    'rsa_oaep_2048_sha256_mgf1sha256_test.json',
    'rsa_oaep_3072_sha256_mgf1sha1_test.json',
    'rsa_oaep_3072_sha256_mgf1sha256_test.json',
    'rsa_oaep_4096_sha256_mgf1sha1_test.json',
    'rsa_oaep_4096_sha256_mgf1sha256_test.json',
  ])
})

describe.each(files)('%s', (file) => {
  const groups = (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { testGroups: Group[] }).testGroups
  const cases = groups.flatMap((group) => {
    expect(group.sha).toBe('SHA-256')
    const key: KeyObject = createPrivateKey({ key: Buffer.from(group.privateKeyPkcs8, 'hex'), format: 'der', type: 'pkcs8' })
    const mgf1: Mgf1Hash = group.mgfSha === 'SHA-1' ? 'sha1' : 'sha256'
    return group.tests.map((c) => ({ ...c, key, mgf1, bits: group.keySize }))
  })

  test.each(cases)('tcId $tcId ($result, $flags) $comment', ({ key, mgf1, ct, msg, label, result }) => {
    const plaintext = oaepDecrypt(key, unhex(ct), mgf1, unhex(label))
    if (result === 'valid') expect(Buffer.from(plaintext!).toString('hex')).toBe(msg)
    else expect(plaintext).toBeUndefined()
  })

  test('valid cases without a label decrypt only with their own MGF1 hash, and the variant is reported', () => {
    const unlabelled = cases.filter((c) => c.result === 'valid' && c.label === '')
    expect(unlabelled.length).toBeGreaterThanOrEqual(10)
    for (const c of unlabelled) {
      const other: Mgf1Hash = c.mgf1 === 'sha1' ? 'sha256' : 'sha1'
      expect(oaepDecrypt(c.key, unhex(c.ct), other)).toBeUndefined()
      const found = oaepDecryptAnyVariant(c.key, unhex(c.ct))
      expect(found?.variant).toBe(c.mgf1 === 'sha1' ? 'RSA-OAEP-256-MGF1-SHA1' : 'RSA-OAEP-256')
      expect(Buffer.from(found!.plaintext).toString('hex')).toBe(c.msg)
    }
  })
})
