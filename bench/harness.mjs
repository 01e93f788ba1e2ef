// Interleaved timing, the same in Node and in the browser (no node: imports).
//
// Absolute times on a shared 2-core machine are noise; ratios measured side by
// side are the result. So every round runs every contender once, one batch
// each, in a fresh random order: a burst of machine noise lands on all of them
// alike rather than on whichever happened to run then. (A rotating order is
// not enough: each contender would always follow the same neighbour and pay
// for its garbage — node-forge's and jsencrypt's big-integer garbage made the
// raw floor look slower than the library wrapping it.)

const now = () => performance.now()

/** Time per call, in ms, of a short run of sequential calls. */
async function perCall(run, ms) {
  let calls = 0
  const start = now()
  do {
    await run()
    calls++
  } while (now() - start < ms && calls < 5000)
  return (now() - start) / calls
}

// A small seeded generator (mulberry32): the same orders on every run.
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffled(count, next) {
  const order = Array.from({ length: count }, (_, i) => i)
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  return order
}

// Between batches, let the event loop run pending tasks (GC finalisation,
// timers) instead of leaving them to land inside the next contender's batch.
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

function median(sorted) {
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * @param {{id: string, run: () => unknown}[]} contenders  `run` makes one call (sync or async); it is awaited.
 * @param {{rounds: number, warmup: number, batchMs: number}} options
 * @param {string} floor  the id of the contender the others are divided by
 * @returns {Promise<Record<string, {median: number, min: number, max: number, ratio: number, batch: number}>>}
 *   µs per call over the rounds; `ratio` is the median over rounds of (this contender's time ÷ the
 *   floor's time in the same round), which cancels what a round's noise did to both
 */
export async function interleave(contenders, { rounds, warmup, batchMs }, floor) {
  // How many sequential calls make one sample: enough that a sample lasts about
  // `batchMs`, so that coarse browser timers (5 µs when cross-origin isolated,
  // 100 µs otherwise) stay far below its length. Three interleaved passes, the
  // fastest kept: one slow pass on a busy machine must not shrink a batch.
  // Warm-up rounds (JIT, caches, the thread pool) then run interleaved too, and are discarded.
  const fastest = contenders.map(() => Infinity)
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < contenders.length; i++) fastest[i] = Math.min(fastest[i], await perCall(contenders[i].run, batchMs / 2))
  }
  const batches = fastest.map((ms) => Math.min(5000, Math.max(1, Math.round(batchMs / ms))))
  const samples = contenders.map(() => [])
  const next = random(0x5eed)
  for (let round = 0; round < warmup + rounds; round++) {
    for (const i of shuffled(contenders.length, next)) {
      await settle()
      const { run } = contenders[i]
      const calls = batches[i]
      // One untimed call first: after the pause, WebCrypto's worker thread may be
      // asleep, and waking it would be charged to whichever batch came first.
      await run()
      const start = now()
      for (let n = 0; n < calls; n++) await run()
      const perCallUs = ((now() - start) / calls) * 1000
      if (round >= warmup) samples[i].push(perCallUs)
    }
  }
  const floorSamples = samples[contenders.findIndex((c) => c.id === floor)]
  const result = {}
  contenders.forEach((c, i) => {
    const sorted = [...samples[i]].sort((a, b) => a - b)
    const ratios = samples[i].map((v, round) => v / floorSamples[round]).sort((a, b) => a - b)
    result[c.id] = { median: median(sorted), min: sorted[0], max: sorted[sorted.length - 1], ratio: median(ratios), batch: batches[i] }
  })
  return result
}
