// Everything the conformance suite needs from Node, made once per run: the
// keys (the runtimes never see a private key) and the bad-input corpus.
// Served to the runtimes as JSON by the endpoint.
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { testKeyPair } from '../helpers/keys.js'
import { spkiWithExponent } from '../helpers/rsa-spki.js'

export interface KeyFixture {
  bits: number
  spki: string
  pem: string
  /** The Base64 wrapped at 64 columns with CRLF line ends, as some copy-pastes arrive. */
  wrapped: string
  fingerprint: string
  spkiBytes: number
  maxPayloadBytes: number
}

export interface Fixtures {
  keys: Record<'rsa2048' | 'rsa4096', KeyFixture>
  badKeys: Record<string, { label: string; key: unknown }[]>
  payloads: { loneSurrogate: string }
  server: { token: string; revokedToken: string; platform: string; uuid: string }
  /** The hardening issue: keys with exponents RSA-OAEP must refuse, and one with exponent 3 it accepts (decrypt key 'rsa2048e3'). */
  exponents: { refused: { exponent: number; spki: string }[]; three: string }
}

export interface Secrets {
  privateKeys: Record<'rsa2048' | 'rsa4096' | 'rsa2048e3', KeyObject>
}

// k − 2·32 − 2 (RSA-OAEP with SHA-256), the values the issue names.
const MAX_PAYLOAD: Record<number, number> = { 2048: 190, 4096: 446 }

function keyFixture(bits: 2048 | 4096): KeyFixture {
  const pair = testKeyPair(bits)
  const der = Buffer.from(pair.publicKey, 'base64')
  return {
    bits,
    spki: pair.publicKey,
    pem: pair.publicPem,
    wrapped: pair.publicKey.replace(/.{64}/g, '$&\r\n'),
    fingerprint: createHash('sha256').update(der).digest('hex'),
    spkiBytes: der.length,
    maxPayloadBytes: MAX_PAYLOAD[bits]!,
  }
}

function base64(der: Buffer): string {
  return der.toString('base64')
}

export function makeFixtures(): { fixtures: Fixtures; secrets: Secrets } {
  const rsa2048 = keyFixture(2048)
  const rsa4096 = keyFixture(4096)
  const pair = testKeyPair(2048)
  const spkiDer = Buffer.from(pair.publicKey, 'base64')
  const pkcs1Public = createPublicKey(pair.privateKey)
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const small = testKeyPair(1024)

  const badKeys: Fixtures['badKeys'] = {
    ERR_KEY_INVALID: [
      { label: 'an empty string', key: '' },
      { label: 'only whitespace', key: ' \r\n\t ' },
      { label: 'text that is not Base64', key: 'paste the key from the dashboard here' },
      { label: 'the key in the base64url alphabet', key: spkiDer.toString('base64url') },
      { label: 'the SPKI cut short by 10 bytes', key: base64(spkiDer.subarray(0, spkiDer.length - 10)) },
      { label: 'the SPKI with 2 bytes of trailing garbage', key: base64(Buffer.concat([spkiDer, Buffer.from([0, 0])])) },
      { label: 'a PEM "RSA PUBLIC KEY" (PKCS#1)', key: pkcs1Public.export({ type: 'pkcs1', format: 'pem' }).toString() },
      { label: 'a PKCS#1 RSAPublicKey as Base64 DER', key: base64(pkcs1Public.export({ type: 'pkcs1', format: 'der' })) },
      { label: 'a PEM with text after END', key: `${pair.publicPem.trim()}\nextra` },
      { label: 'the number 42', key: 42 },
    ],
    ERR_KEY_PRIVATE: [
      { label: 'a PKCS#8 "PRIVATE KEY" PEM', key: pair.privatePem },
      { label: 'a PKCS#1 "RSA PRIVATE KEY" PEM', key: pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() },
      { label: 'a PKCS#8 private key as Base64 DER', key: base64(pair.privateKey.export({ type: 'pkcs8', format: 'der' })) },
      { label: 'a PKCS#1 private key as Base64 DER', key: base64(pair.privateKey.export({ type: 'pkcs1', format: 'der' })) },
      {
        label: 'an "ENCRYPTED PRIVATE KEY" PEM',
        key: pair.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'conformance' }).toString(),
      },
    ],
    ERR_KEY_UNSUPPORTED: [
      { label: 'an EC P-256 SPKI as Base64 DER', key: base64(ec.publicKey.export({ type: 'spki', format: 'der' })) },
      { label: 'an EC P-256 "PUBLIC KEY" PEM', key: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    ],
    ERR_KEY_TOO_SMALL: [
      { label: 'a 1024-bit RSA SPKI as Base64 DER', key: small.publicKey },
      { label: 'a 1024-bit RSA "PUBLIC KEY" PEM', key: small.publicPem },
    ],
  }

  const three = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 })

  return {
    fixtures: {
      keys: { rsa2048, rsa4096 },
      badKeys,
      payloads: { loneSurrogate: 'PIN-\uD800-1234' },
      server: {
        token: `conformance_${randomBytes(16).toString('hex')}`,
        revokedToken: `conformance_revoked_${randomBytes(16).toString('hex')}`,
        platform: 'fincode',
        uuid: randomUUID(),
      },
      exponents: {
        refused: [1, 2, 4, 65536].map((exponent) => ({ exponent, spki: spkiWithExponent(pair.publicKey, exponent) })),
        three: base64(three.publicKey.export({ type: 'spki', format: 'der' })),
      },
    },
    secrets: { privateKeys: { rsa2048: testKeyPair(2048).privateKey, rsa4096: testKeyPair(4096).privateKey, rsa2048e3: three.privateKey } },
  }
}
