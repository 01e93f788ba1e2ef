// Turns the runtimes' results into docs/benchmarks.md.
import { appCostSection } from './app-cost.mjs'
import { LABELS, PAYLOADS } from './contenders.mjs'

const PAYLOAD_NAMES = { pin: `6-digit PIN (${PAYLOADS.pin.length} bytes)`, password: `32-character password (${PAYLOADS.password.length} bytes)` }

const us = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1))

/** The median, over rounds, of this contender's time divided by its floor's in the same round (bench/harness.mjs). */
const pairedRatio = (results, id) => results[id].ratio

const floorOf = (results) => Object.keys(results).find((id) => LABELS[id].floor)

function table(results) {
  const floor = floorOf(results)
  const rows = Object.entries(results).map(([id, r]) => {
    const x = pairedRatio(results, id)
    const ratio = id === floor ? '1 (floor)' : x < 0.01 ? '< 0.01×' : `${x.toFixed(2)}×`
    return `| ${LABELS[id].label} | ${us(r.median)} | ${us(r.min)}–${us(r.max)} | ${ratio} |`
  })
  return ['| contender | median µs | min–max µs | × floor |', '|---|--:|--:|--:|', ...rows].join('\n')
}

function targets(runs) {
  const rows = []
  for (const run of runs) {
    for (const g of run.encrypt) {
      for (const [id, limit, what] of [
        ['fincode-key', 1.1, '`FincodePublicKey`'],
        ['fincode-text', 1.2, 'key text'],
      ]) {
        const ratio = pairedRatio(g.results, id)
        rows.push(
          `| ${what}, ≤ ${limit}× | ${run.runtime.name} | RSA-${g.bits} | ${g.payload === 'pin' ? 'PIN' : 'password'} | ${ratio.toFixed(2)}× | ${ratio <= limit ? 'met' : '**not met**'} | ${pairedRatio(g.results, 'handwritten-best').toFixed(2)}× |`,
        )
      }
    }
  }
  const head = [
    '| `encryptPayload` target (× raw `subtle.encrypt`) | runtime | key | payload | measured | | best hand-written WebCrypto, same rounds |',
    '|---|---|---|---|--:|---|--:|',
  ]
  return [...head, ...rows].join('\n')
}

function overhead(runs) {
  const rows = []
  for (const run of runs) {
    for (const o of run.overhead) {
      const m = o.microseconds
      const floor = run.encrypt.find((g) => g.bits === o.bits && g.payload === o.payload).results.raw.median
      const implied = (id) => (1 + (m[id] - m['stub-raw']) / floor).toFixed(2)
      rows.push(
        `| ${run.runtime.name} | RSA-${o.bits} | ${o.payload === 'pin' ? 'PIN' : 'password'} | ${us(floor)} | ${m['stub-raw'].toFixed(2)} | ${m['stub-handwritten'].toFixed(2)} | ${m['stub-native-base64']?.toFixed(2) ?? 'n/a'} | ${m['stub-fincode-key'].toFixed(2)} (${implied('stub-fincode-key')}×) | ${m['stub-fincode-text'].toFixed(2)} (${implied('stub-fincode-text')}×) |`,
      )
    }
  }
  return [
    '| runtime | key | payload | raw floor, median µs (above) | stubbed raw | hand-written: `TextEncoder` + `btoa(String.fromCharCode.apply(…))` | hand-written with native `Uint8Array.prototype.toBase64` | `encryptPayload`, `FincodePublicKey` (→ floor + this) | `encryptPayload`, key text (→ floor + this) |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n')
}

function importOnce(runs) {
  const rows = []
  for (const run of runs) {
    for (const c of run.concurrency) {
      const ok = c.importKeyCalls === 1 && c.importKeyCallsAfterOneMore === 1
      rows.push(
        `| ${run.runtime.name} | RSA-${c.bits} | ${c.calls} | ${c.importKeyCalls} | ${c.importKeyCallsAfterOneMore} | ${ok ? 'met' : '**not met**'} |`,
      )
    }
  }
  return [
    '| runtime | key | concurrent first `encryptPayload` calls with one new key text | `crypto.subtle.importKey` calls | … after one more call | one import per text |',
    '|---|---|--:|--:|--:|---|',
    ...rows,
  ].join('\n')
}

function referenceRatios(runs) {
  const rows = []
  for (const run of runs) {
    for (const g of run.encrypt) {
      const r = (id) => (g.results[id] ? `${pairedRatio(g.results, id).toFixed(1)}×` : '—')
      rows.push(
        `| ${run.runtime.name} | RSA-${g.bits} | ${g.payload === 'pin' ? 'PIN' : 'password'} | ${r('fincode-key')} | ${r('node-publicEncrypt')} | ${r('jose')} | ${r('forge')} | ${r('jsencrypt')} |`,
      )
    }
  }
  return [
    '| runtime | key | payload | `encryptPayload` | Node `publicEncrypt` | jose | node-forge | jsencrypt (v1.5) |',
    '|---|---|---|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n')
}

function javaDefaultSection(runs, notMeasured) {
  if (runs.every((run) => run.javaDefault.length === 0)) {
    return `**Not measured yet.** ${notMeasured}`
  }
  const parts = []
  for (const run of runs) {
    for (const g of run.javaDefault) {
      const speedup = pairedRatio(g.results, 'forge-mgf1-sha1')
      parts.push(`#### ${run.runtime.name}, RSA-${g.bits}, ${PAYLOAD_NAMES[g.payload]}\n\n${table(g.results)}\n\nnode-forge / java-default: **${speedup.toFixed(1)}×**${g.bits === 2048 ? ` (target ≥ 4×: ${speedup >= 4 ? 'met' : '**not met**'})` : ''}`)
    }
  }
  return parts.join('\n\n')
}

function otherTargets(runs) {
  const rows = []
  for (const run of runs) {
    for (const g of run.javaDefault.filter((g) => g.bits === 2048)) {
      const speedup = pairedRatio(g.results, 'forge-mgf1-sha1')
      rows.push(`| java-default ≥ 4× faster than node-forge's SHA-256/MGF1-SHA-1, RSA-2048, ${g.payload === 'pin' ? 'PIN' : 'password'} | ${run.runtime.name} | ${speedup.toFixed(1)}× | ${speedup >= 4 ? 'met' : '**not met**'} |`)
    }
  }
  for (const run of runs.filter((r) => r.runtime.name === 'Chromium')) {
    for (const { bits, steps } of run.javaDefaultSteps.filter((s) => s.bits === 2048)) {
      rows.push(`| java-default blocks the main thread ≤ ~50 µs at a time, RSA-${bits} (95th percentile of the longest stretch) | Chromium | ${steps.longest.p95.toFixed(1)} µs | ${steps.longest.p95 <= 50 ? 'met' : '**not met**'} |`)
    }
    if (run.react) {
      const r = run.react
      const valid = r.typedLength === r.keystrokes && r.controlCommits === r.keystrokes
      rows.push(`| typing a 6-digit PIN re-renders the form at most once (Profiler) | Chromium | ${r.commits} | ${!valid ? '**not proven**' : r.commits <= 1 ? 'met' : '**not met**'} |`)
    }
  }
  if (!rows.length) return ''
  return ['| other target | runtime | measured | |', '|---|---|--:|---|', ...rows].join('\n')
}

function mainThreadSection(runs) {
  const rows = []
  for (const run of runs) {
    for (const { bits, steps } of run.javaDefaultSteps) {
      const l = steps.longest
      const verdict = run.runtime.name !== 'Chromium' ? '(Node: no browser main thread)' : l.p95 <= 50 ? 'met' : `**not met** (median ${l.median <= 50 ? '≤' : '>'} 50 µs)`
      rows.push(
        `| ${run.runtime.name} | RSA-${bits} | ${steps.perEncryption} | ${l.median.toFixed(1)} | ${l.p95.toFixed(1)} | ${l.max.toFixed(1)} | ${steps.timerResolutionUs.toFixed(1)} | ${verdict} |`,
      )
    }
  }
  if (!rows.length) return undefined
  return [
    "Measured with the java-default branch's probe (`bench/java-default.mjs`): it timestamps every point where the scheme gives up the thread (`crypto.subtle.digest`, `scheduler.yield` in Chromium, `setImmediate` in Node) and where it resumes, over 200 encryptions of a PIN after 50 warm-up ones. The target is judged on the 95th percentile of each encryption's longest stretch, which on this shared machine also catches the OS running other processes; the max includes garbage collection.",
    '',
    '| runtime | key | synchronous stretches per encryption | longest stretch per encryption, median µs | … 95th percentile µs | … max µs | timer resolution µs | ≤ ~50 µs at a time |',
    '|---|---|--:|--:|--:|--:|--:|---|',
    ...rows,
  ].join('\n')
}

/**
 * @param runs results per runtime, as bench/suite.mjs returns them plus {runtime}
 * @param meta {date, command, cpu, cores, loadBefore, loadAfter, options, seconds, verified}
 * @param pending {javaDefault?: string, react?: string} why a section was not measured
 * @param extra {react?: string, rotation?: string, appCost?: string} the React, key-rotation and app-cost sections (markdown), when measured
 */
export function report(runs, meta, pending = {}, extra = {}) {
  const out = []
  const chromium = runs.find((r) => r.runtime.name === 'Chromium')
  const node = runs.find((r) => r.runtime.name === 'Node')
  out.push(`# Benchmarks

Written by \`${meta.command}\` (bench/run.mjs); do not edit by hand. Absolute times on a shared machine are noise:
the ratios, measured side by side in the same rounds, are the result.

- **Date:** ${meta.date}
- **Machine:** ${meta.cpu}, ${meta.cores} cores (shared; load average ${meta.loadBefore} before, ${meta.loadAfter} after)
- **Runtimes:** Node ${node?.runtime.version}; Chromium ${chromium?.runtime.version} (headless, \`/usr/bin/chromium\`, page on http://127.0.0.1, cross-origin isolated: ${chromium?.runtime.crossOriginIsolated})
- **Method:** one process per runtime; each group runs its contenders in interleaved rounds (each round runs every contender once, in a fresh random order, with a \`setTimeout(0)\` pause between batches), ${meta.options.warmup} warm-up rounds discarded, then ${meta.options.rounds} measured rounds. A sample is a batch of sequential awaited calls lasting about ${meta.options.batchMs} ms, divided by its size. **median µs** and **min–max µs** are per call over the rounds; **× floor** is the median, over rounds, of the contender's time divided by the floor's time *in the same round*. node-forge and jsencrypt, whose calls take milliseconds and leave megabytes of big-integer garbage, are timed in a group of their own with the raw floor, so that their garbage collection does not land in the fast contenders' samples.
- **Checked:** one output of every timed contender (made just before its timing) was decrypted in Node with the private key — Node's \`privateDecrypt\` for OAEP SHA-256, jose for the JWE, node-forge for PKCS#1 v1.5 and MGF1-SHA-1 — ${meta.verified} decryptions, all matched; any mismatch stops the run before this file is written.
- **Whole run:** ${meta.seconds} s.

## Targets

${targets(runs)}

What each call costs around the RSA operation itself: CPU µs per call with \`crypto.subtle.encrypt\` replaced by a promise already resolved with a ciphertext-sized buffer (fastest of 30 passes of 200 calls, which a busy machine can only slow down). In parentheses, the ratio this overhead alone would give on top of the floor's median — what an idle machine would show:

${overhead(runs)}

${otherTargets(runs)}

A text key is never imported twice, even by concurrent first calls (\`crypto.subtle.importKey\` counted by wrapping \`SubtleCrypto.prototype.importKey\`):

${importOnce(runs)}

How the alternatives compare with the same floor (the issue's reference: in Node raw \`subtle.encrypt\` is about 3× faster than jose and 7–19× faster than node-forge):

${referenceRatios(runs)}
`)
  for (const run of runs) {
    out.push(`## ${run.runtime.name} ${run.runtime.version}\n`)
    for (const g of run.encrypt) {
      out.push(
        `### Encrypt — RSA-${g.bits}, ${PAYLOAD_NAMES[g.payload]}\n\n${table(g.results)}\n\nnode-forge and jsencrypt ran in a second interleaved group with the raw floor (median there ${us(g.jsFloor.median)} µs); their × floor is to that floor.\n`,
      )
    }
    for (const g of run.importKey) out.push(`### Key import — RSA-${g.bits}\n\n${table(g.results)}\n`)
    for (const g of run.fields) {
      out.push(`### \`encryptFields\` — RSA-${g.bits}, a body with the five default fields (two passwords, two PINs, one answer) and two other keys, one of them a nested object\n\n${table(g.results)}\n`)
    }
  }
  out.push(`## java-default scheme (SHA-256 / MGF1-SHA-1) vs node-forge\n\n${javaDefaultSection(runs, pending.javaDefault ?? '')}\n`)
  out.push(`### Longest synchronous main-thread step of java-default\n\n${mainThreadSection(runs) ?? `**Not measured yet.** ${pending.javaDefault ?? ''}`}\n`)
  out.push(`## React: renders while typing a 6-digit PIN\n\n${extra.react ?? `**Not measured yet.** ${pending.react ?? ''}`}\n`)
  out.push(`## Key rotation: from the rotated-key refusal to the accepted resubmission\n\n${extra.rotation ?? '**Not measured yet.**'}\n`)
  out.push(appCostSection(extra.appCost ?? `**Not measured.** ${pending.appCost ?? ''}`))
  out.push(`## Notes on the contenders

- **raw \`subtle.encrypt\`** is the floor: bytes already encoded in, an \`ArrayBuffer\` out, nothing else. The hand-written row adds what a caller must add to get the same output as \`encryptPayload\` (UTF-8 in, Base64 out), written the common way (\`String.fromCharCode(...bytes)\`).
- **Node \`crypto.publicEncrypt\`** is synchronous OpenSSL on the calling thread; WebCrypto in Node runs the same OpenSSL call on the libuv thread pool and pays for the hop. It is a reference, not a contender: it exists only in Node.
- **jose** produces a JWE (RSA-OAEP-256 wraps a fresh AES-256-GCM key, which encrypts the payload), not the bare RSA-OAEP ciphertext FinCode expects; it shows the cost of a general-purpose library on the same primitive.
- **node-forge** and **jsencrypt** do RSA in JavaScript (jsbn BigIntegers). **jsencrypt uses PKCS#1 v1.5 padding, not OAEP: a different, weaker padding that FinCode does not accept**; it is listed because users reach for it. In Node it is loaded through its UMD build (its ES build imports files without extensions, which Node refuses) and runs without a \`window\`; there it seeds its random generator from \`Math.random\`, not \`crypto.getRandomValues\`.
- **Key import, cold** imports a key text never seen before: the library caches by text, so each call is given the same key with a line break moved (and trailing spaces added), which it must decode, check and import afresh. It also computes the fingerprint (SHA-256 of the DER), which the raw import does not.
`)
  return out.join('\n')
}
