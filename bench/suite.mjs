// The whole benchmark for one runtime, handed its libraries so that Node and
// the browser run the same code (no node: imports here).
import {
  OAEP,
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
 * The CPU time each call spends around the RSA operation: `subtle.encrypt` is
 * replaced by a promise already resolved with a ciphertext-sized buffer, so
 * what is left is argument checks, UTF-8 encoding, promise hops and Base64.
 * The fastest of many repetitions, which a busy machine can only slow down.
 */
async function cpuOverhead(libs, key, prepared, payload) {
  const proto = Object.getPrototypeOf(globalThis.crypto.subtle)
  const original = proto.encrypt
  const ciphertext = globalThis.crypto.getRandomValues(new Uint8Array(prepared.fincodeKey.modulusLength / 8)).buffer
  proto.encrypt = () => Promise.resolve(ciphertext)
  const { encryptPayload } = libs.fincode
  const subtle = globalThis.crypto.subtle
  const bytes = new TextEncoder().encode(payload)
  const contenders = {
    'stub-raw': () => subtle.encrypt(OAEP, prepared.cryptoKey, bytes),
    'stub-handwritten': async () =>
      btoa(String.fromCharCode.apply(0, new Uint8Array(await subtle.encrypt(OAEP, prepared.cryptoKey, new TextEncoder().encode(payload))))),
    'stub-fincode-key': () => encryptPayload(payload, prepared.fincodeKey),
    'stub-fincode-text': () => encryptPayload(payload, key.text),
  }
  if (typeof Uint8Array.prototype.toBase64 === 'function') {
    contenders['stub-native-base64'] = async () =>
      new Uint8Array(await subtle.encrypt(OAEP, prepared.cryptoKey, new TextEncoder().encode(payload))).toBase64()
  }
  const best = {}
  try {
    for (let pass = 0; pass < 30; pass++) {
      for (const [id, run] of Object.entries(contenders)) {
        const start = performance.now()
        for (let i = 0; i < 200; i++) await run()
        best[id] = Math.min(best[id] ?? Infinity, ((performance.now() - start) / 200) * 1000)
      }
    }
  } finally {
    proto.encrypt = original
  }
  return best
}

/**
 * @param libs {fincode, jose, forge, JSEncrypt, node?, javaDefault?}
 * @param keys [{bits, text, pem}]
 * @param options {rounds, warmup, batchMs, log?}
 */
export async function runSuite(libs, keys, options) {
  const log = options.log ?? (() => {})
  const timing = { rounds: options.rounds, warmup: options.warmup, batchMs: options.batchMs }
  const out = { encrypt: [], overhead: [], importKey: [], fields: [], concurrency: [], javaDefault: [], javaDefaultSteps: [] }
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
      out.overhead.push({ bits: key.bits, payload: payloadName, microseconds: await cpuOverhead(libs, key, prepared, payload) })
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
      // The synchronous stretches between java-default's yields, with the java-default
      // branch's own probe (bench/java-default.mjs); its speed comparison is the group above.
      log(`java-default main-thread steps RSA-${key.bits}`)
      const probe = await libs.benchJavaDefault({ ...libs.fincode, javaDefault: libs.javaDefault }, libs.forge, { publicKey: key.text, publicPem: key.pem }, {
        rounds: 1,
        perRound: 1,
        warmup: 50,
        stepSamples: 200,
      })
      out.javaDefaultSteps.push({ bits: key.bits, steps: probe.steps, sample: probe.samples.javaDefault })
    }
  }
  return out
}
