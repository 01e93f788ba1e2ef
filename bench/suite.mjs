// The whole benchmark for one runtime, handed its libraries so that Node and
// the browser run the same code (no node: imports here).
import {
  encryptContenders,
  fieldsContenders,
  importContenders,
  javaDefaultContenders,
  PAYLOADS,
  prepareKey,
  samplesOf,
} from './contenders.mjs'
import { interleave } from './harness.mjs'

/**
 * Fires `calls` concurrent first calls of `encryptPayload` with a key text never
 * seen before and counts the `crypto.subtle.importKey` calls they cause.
 * The library promises one import per text, even when the first calls race.
 */
async function countImports(libs, text, calls) {
  const proto = Object.getPrototypeOf(globalThis.crypto.subtle)
  const original = proto.importKey
  let imports = 0
  proto.importKey = function (...args) {
    imports++
    return original.apply(this, args)
  }
  try {
    const fresh = text + '\n\n\n' // the same key, as a text no other group used: not cached yet
    const ciphertexts = await Promise.all(Array.from({ length: calls }, () => libs.fincode.encryptPayload(PAYLOADS.pin, fresh)))
    const afterConcurrent = imports
    await libs.fincode.encryptPayload(PAYLOADS.pin, fresh)
    return { calls, importKeyCalls: afterConcurrent, importKeyCallsAfterOneMore: imports, samples: ciphertexts.slice(0, 3) }
  } finally {
    proto.importKey = original
  }
}

/**
 * @param libs {fincode, jose, forge, JSEncrypt, node?, javaDefault?}
 * @param keys [{bits, text, pem}]
 * @param options {rounds, warmup, batchMs, log?}
 */
export async function runSuite(libs, keys, options) {
  const log = options.log ?? (() => {})
  const timing = { rounds: options.rounds, warmup: options.warmup, batchMs: options.batchMs }
  const out = { encrypt: [], importKey: [], fields: [], concurrency: [], javaDefault: [] }
  for (const key of keys) {
    const prepared = await prepareKey(libs, key)
    for (const [payloadName, payload] of Object.entries(PAYLOADS)) {
      log(`encrypt RSA-${key.bits} ${payloadName}`)
      const contenders = encryptContenders(libs, key, prepared, payload)
      const samples = await samplesOf(contenders)
      // The JavaScript big-integer libraries get a round of their own with the floor: their
      // milliseconds of garbage would otherwise be collected inside the fast contenders' batches.
      const slow = (c) => c.id === 'forge' || c.id === 'jsencrypt'
      const native = await interleave(contenders.filter((c) => !slow(c)), timing, 'raw')
      const js = await interleave(contenders.filter((c) => slow(c) || c.id === 'raw'), timing, 'raw')
      const results = { ...native, forge: js.forge, jsencrypt: js.jsencrypt }
      out.encrypt.push({ bits: key.bits, payload: payloadName, results, jsFloor: js.raw, samples })
    }
    log(`importPublicKey RSA-${key.bits}`)
    out.importKey.push({ bits: key.bits, results: await interleave(importContenders(libs, key, prepared), timing, 'raw-import') })

    log(`encryptFields RSA-${key.bits}`)
    const fields = fieldsContenders(libs, key, prepared)
    const fieldSamples = await samplesOf(fields)
    out.fields.push({ bits: key.bits, results: await interleave(fields, timing, 'raw-fields'), samples: fieldSamples })

    out.concurrency.push({ bits: key.bits, ...(await countImports(libs, key.text, 50)) })

    if (libs.javaDefault) {
      for (const [payloadName, payload] of Object.entries(PAYLOADS)) {
        log(`java-default RSA-${key.bits} ${payloadName}`)
        const contenders = javaDefaultContenders(libs, prepared, payload)
        const samples = await samplesOf(contenders)
        out.javaDefault.push({ bits: key.bits, payload: payloadName, results: await interleave(contenders, timing, 'java-default'), samples })
      }
    }
  }
  return out
}
