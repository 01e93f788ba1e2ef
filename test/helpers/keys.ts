// RSA key pairs for tests. Generating one is slow (RSA-4096: 0.5–4 s of CPU,
// and every test file runs in its own process), so each size is generated once
// per machine and kept as PKCS#8 PEM in the OS temp dir for later files and runs.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestKeyPair {
  bits: number
  /** Base64 SPKI DER on one line, as the FinCode dashboard shows it. */
  publicKey: string
  publicPem: string
  privateKey: KeyObject
  privatePem: string
}

const CACHE_DIR = join(tmpdir(), 'fincode-secure-test-keys')
const pairs = new Map<number, TestKeyPair>()

function cachedPrivateKey(bits: number): KeyObject {
  const file = join(CACHE_DIR, `rsa-${bits}.pem`)
  try {
    const key = createPrivateKey(readFileSync(file, 'utf8'))
    if (key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === bits) return key
  } catch {
    // not cached yet, or unreadable: generate below
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 })
  // Written aside and renamed, so a file running in parallel never reads half a key.
  const partial = `${file}.${process.pid}.partial`
  writeFileSync(partial, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  renameSync(partial, file)
  return privateKey
}

export function testKeyPair(bits: 2048 | 3072 | 4096 | 1024 = 2048): TestKeyPair {
  let pair = pairs.get(bits)
  if (!pair) {
    const privateKey = cachedPrivateKey(bits)
    const publicKey = createPublicKey(privateKey)
    pair = {
      bits,
      publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKey,
      privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }
    pairs.set(bits, pair)
  }
  return pair
}
