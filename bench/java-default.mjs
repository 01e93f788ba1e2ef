// Benchmark: fincode-secure/java-default (SHA-256 / MGF1-SHA-1 OAEP, BigInt RSA)
// against node-forge's same mode, plus the native WebCrypto path for reference.
// Not a test: it prints numbers. This module imports nothing: `benchJavaDefault`
// takes the library, node-forge and the key as arguments, so a browser page can
// run it with its own bundled copies. bench/java-default-node.mjs runs it in Node
// (`npm run bench:java-default`).

const PAYLOAD = '012345' // a PIN: the usual field

/** median, min, max and 95th percentile of a list of numbers */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, min: sorted[0], max: sorted[sorted.length - 1], p95: sorted[Math.ceil(sorted.length * 0.95) - 1] }
}

/** Smallest step performance.now() takes here (5 µs in a cross-origin-isolated page, 100 µs in a plain Chromium page). */
function timerResolutionUs(now) {
  let smallest = Infinity
  for (let i = 0; i < 50; i++) {
    const a = now()
    let b = now()
    while (b === a) b = now()
    smallest = Math.min(smallest, b - a)
  }
  return smallest * 1000
}

/**
 * Records every synchronous stretch of one encryption. The library gives up the
 * thread only when it awaits crypto.subtle.digest (once per process, for the
 * cached SHA-256 of the empty label) or its yield (scheduler.yield in browsers,
 * setImmediate in Node, else a MessageChannel message); those are wrapped to
 * timestamp the moment the code stops ("call") and the moment it runs again
 * ("resume"). Awaits on already-resolved promises do not give up the thread and
 * are rightly counted inside a stretch. In a browser, performance.now() is
 * precise to 5 µs only on a cross-origin-isolated page (COOP + COEP headers);
 * elsewhere to 100 µs, which makes the step numbers useless: the result reports
 * the resolution it saw.
 */
function instrument(now) {
  const events = []
  const restore = []
  const subtle = globalThis.crypto.subtle
  const digest = subtle.digest
  subtle.digest = function (...args) {
    events.push(['call', now()])
    return digest.apply(this, args).then((value) => {
      events.push(['resume', now()])
      return value
    })
  }
  restore.push(() => delete subtle.digest)
  const scheduler = globalThis.scheduler
  if (typeof scheduler?.yield === 'function') {
    const original = scheduler.yield
    scheduler.yield = function () {
      events.push(['call', now()])
      return original.call(this).then(() => void events.push(['resume', now()]))
    }
    restore.push(() => (scheduler.yield = original))
  } else if (typeof globalThis.setImmediate === 'function') {
    const original = globalThis.setImmediate
    globalThis.setImmediate = (callback, ...args) => {
      events.push(['call', now()])
      return original(() => {
        events.push(['resume', now()])
        callback(...args)
      })
    }
    restore.push(() => (globalThis.setImmediate = original))
  } else {
    throw new Error('benchJavaDefault: this runtime yields through MessageChannel, which the step probe does not wrap.')
  }
  return {
    events,
    restore: () => restore.forEach((undo) => undo()),
  }
}

/** Lengths, in µs, of the synchronous stretches in a start…end event list. */
function stretches(events) {
  const lengths = []
  let start
  let end
  for (const [type, t] of events) {
    if (type === 'start' || type === 'resume') {
      if (end !== undefined) lengths.push(end - start)
      start = t
      end = undefined
    } else {
      end = t // a run of calls (a batch of digests) ends at its last call
    }
  }
  if (end !== undefined) lengths.push(end - start)
  return lengths.map((ms) => ms * 1000)
}

/**
 * Runs the comparison and returns the numbers (µs per encryption) plus one
 * ciphertext from each contender, for the caller to decrypt as a check.
 *
 * @param lib `{ encryptPayload, importPublicKey, javaDefault, oaepSha256 }` from fincode-secure
 * @param forge the node-forge module
 * @param key `{ publicKey: Base64 SPKI, publicPem }`
 * @param options `{ rounds, perRound, warmup, stepSamples, now, log }`
 */
export const PAYLOAD_TEXT = PAYLOAD

export async function benchJavaDefault(lib, forge, key, options = {}) {
  const { rounds = 21, perRound = 40, warmup = 200, stepSamples = 200, now = () => performance.now(), log = () => {} } = options
  const { encryptPayload, importPublicKey, javaDefault, oaepSha256 } = lib
  const imported = await importPublicKey(key.publicKey)
  const forgeKey = forge.pki.publicKeyFromPem(key.publicPem)

  const contenders = {
    javaDefault: () => encryptPayload(PAYLOAD, imported, { scheme: javaDefault }),
    // node-forge's SHA-256 / MGF1-SHA-1 OAEP, as its README shows it; the digest objects are per call as there.
    forge: async () =>
      forge.util.encode64(
        forgeKey.encrypt(forge.util.encodeUtf8(PAYLOAD), 'RSA-OAEP', { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha1.create() } }),
      ),
    native: () => encryptPayload(PAYLOAD, imported, { scheme: oaepSha256 }),
  }
  const names = Object.keys(contenders)

  for (const name of names) for (let i = 0; i < warmup; i++) await contenders[name]()
  log(`warm-up: ${warmup} encryptions each`)

  // Interleaved rounds, rotating the order, so that drift on a shared machine
  // (other jobs, CPU frequency) lands on every contender alike.
  const perOp = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(round + j) % names.length]
      const run = contenders[name]
      const t0 = now()
      for (let i = 0; i < perRound; i++) await run()
      perOp[name].push(((now() - t0) / perRound) * 1000)
    }
  }

  // Longest synchronous stretch of javaDefault, over stepSamples encryptions.
  const probe = instrument(now)
  const longest = []
  const byPosition = []
  let all = []
  try {
    for (let i = 0; i < stepSamples; i++) {
      probe.events.length = 0
      probe.events.push(['start', now()])
      await encryptPayload(PAYLOAD, imported, { scheme: javaDefault }).then(() => probe.events.push(['end', now()]))
      const lengths = stretches(probe.events)
      longest.push(Math.max(...lengths))
      lengths.forEach((length, i) => (byPosition[i] ??= []).push(length))
      all = all.concat(lengths)
    }
  } finally {
    probe.restore()
  }

  const result = Object.fromEntries(names.map((name) => [name, summary(perOp[name])]))
  return {
    modulusLength: imported.modulusLength,
    rounds,
    perRound,
    ...result,
    /** node-forge median ÷ javaDefault median: how many times faster javaDefault is. */
    ratio: result.forge.median / result.javaDefault.median,
    steps: {
      timerResolutionUs: timerResolutionUs(now),
      perEncryption: Math.round(all.length / stepSamples),
      longest: summary(longest),
      all: summary(all),
      /** Median length of the 1st, 2nd… stretch: which part of the work blocks longest. */
      medianByPosition: byPosition.map((lengths) => summary(lengths).median),
    },
    samples: { javaDefault: await contenders.javaDefault(), forge: await contenders.forge() },
  }
}

/** One line per contender, for people. */
export function formatBench(r) {
  const us = (s) => `median ${s.median.toFixed(1)} µs (min ${s.min.toFixed(1)} – max ${s.max.toFixed(1)})`
  return [
    `RSA-${r.modulusLength}, ${r.rounds} interleaved rounds × ${r.perRound} encryptions of a 6-digit PIN:`,
    `  javaDefault (SHA-256/MGF1-SHA-1, BigInt)   ${us(r.javaDefault)}`,
    `  node-forge 1.4.3 (same mode)               ${us(r.forge)}`,
    `  native WebCrypto (SHA-256/MGF1-SHA-256)    ${us(r.native)}`,
    `  javaDefault is ${r.ratio.toFixed(2)}× faster than node-forge (median ÷ median)`,
    `  synchronous stretches per javaDefault encryption: ${r.steps.perEncryption}; longest per encryption ${us(r.steps.longest)},` +
      ` 95th percentile ${r.steps.longest.p95.toFixed(1)} µs (timer resolution ${r.steps.timerResolutionUs.toFixed(1)} µs;` +
      ' the max includes garbage collection and the OS running other processes)',
    `  median µs of each stretch in order: ${r.steps.medianByPosition.map((us) => us.toFixed(1)).join(' ')}`,
  ].join('\n')
}
