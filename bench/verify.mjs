// Before its numbers count, every timed contender's output is decrypted here,
// in Node, with the private key: a benchmark of something that does not
// decrypt (a wrong hash, a wrong padding) would compare nothing.
import { constants, privateDecrypt } from 'node:crypto'
import { compactDecrypt, importPKCS8 } from 'jose'
import forge from 'node-forge'
import { SENSITIVE_FIELDS } from '../dist/index.js'
import { fieldsBody, PAYLOADS } from './contenders.mjs'
import { PAYLOAD_TEXT as STEP_PROBE_PAYLOAD } from './java-default.mjs'

const oaepSha256 = (pair, ct) =>
  privateDecrypt({ key: pair.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(ct, 'base64')).toString('utf8')

// Node 20 refuses PKCS#1 v1.5 decryption (CVE-2023-46809) and has no MGF1 option: node-forge decrypts those.
const forgeKey = (pair) => (pair.forgeKey ??= forge.pki.privateKeyFromPem(pair.privatePem))
const forgeDecrypt = (pair, ct, scheme, options) => forge.util.decodeUtf8(forgeKey(pair).decrypt(forge.util.decode64(ct), scheme, options))
const pkcs1v15 = (pair, ct) => forgeDecrypt(pair, ct, 'RSAES-PKCS1-V1_5')
const oaepMgf1Sha1 = (pair, ct) =>
  forgeDecrypt(pair, ct, 'RSA-OAEP', { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha1.create() } })

async function jwe(pair, token) {
  const key = await importPKCS8(pair.privatePem, 'RSA-OAEP-256')
  const { plaintext, protectedHeader } = await compactDecrypt(token, key)
  if (protectedHeader.alg !== 'RSA-OAEP-256') throw new Error(`JWE alg is ${protectedHeader.alg}`)
  return new TextDecoder().decode(plaintext)
}

const DECRYPT = {
  raw: oaepSha256,
  handwritten: oaepSha256,
  'handwritten-best': oaepSha256,
  'fincode-key': oaepSha256,
  'fincode-text': oaepSha256,
  'node-publicEncrypt': oaepSha256,
  forge: oaepSha256,
  jose: jwe,
  jsencrypt: pkcs1v15,
  'java-default': oaepMgf1Sha1,
  'forge-mgf1-sha1': oaepMgf1Sha1,
}

/** Throws unless every sample in a runtime's results decrypts to what was encrypted. Returns how many were checked. */
export async function verify(results, pairs) {
  const runtime = results.runtime.name
  let checked = 0
  const expect = async (what, decrypt, pair, ct, plaintext) => {
    let got
    try {
      got = await decrypt(pair, ct)
    } catch (error) {
      throw new Error(`${runtime}: ${what} did not decrypt: ${error.message}`)
    }
    if (got !== plaintext) throw new Error(`${runtime}: ${what} decrypted to something else`)
    checked++
  }
  for (const group of [...results.encrypt, ...results.javaDefault]) {
    const pair = pairs.get(group.bits)
    for (const id of Object.keys(group.results)) {
      if (!(id in group.samples)) throw new Error(`${runtime}: no sample from ${id}`)
      await expect(`${id} RSA-${group.bits} ${group.payload}`, DECRYPT[id], pair, group.samples[id], PAYLOADS[group.payload])
    }
  }
  const body = fieldsBody()
  for (const group of results.fields) {
    const pair = pairs.get(group.bits)
    for (const [id, encrypted] of Object.entries(group.samples)) {
      for (const [name, value] of Object.entries(body)) {
        if (SENSITIVE_FIELDS.includes(name)) await expect(`${id} RSA-${group.bits} ${name}`, oaepSha256, pair, encrypted[name], value)
        else if (JSON.stringify(encrypted[name]) !== JSON.stringify(value)) throw new Error(`${runtime}: ${id} changed ${name}`)
      }
    }
  }
  for (const group of results.javaDefaultSteps) {
    await expect(`java-default step probe RSA-${group.bits}`, oaepMgf1Sha1, pairs.get(group.bits), group.sample, STEP_PROBE_PAYLOAD)
  }
  for (const group of results.concurrency) {
    for (const ct of group.samples) await expect(`concurrent first call RSA-${group.bits}`, oaepSha256, pairs.get(group.bits), ct, PAYLOADS.pin)
  }
  return checked
}
