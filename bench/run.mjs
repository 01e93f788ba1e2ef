#!/usr/bin/env node
// `npm run bench`: the same suite in Node (a child process of its own) and in
// real Chromium, every contender's output decrypted before its time counts,
// then docs/benchmarks.md. Needs dist/ (the npm script builds it first).
//
// BENCH_ROUNDS, BENCH_WARMUP, BENCH_BATCH_MS override the round settings;
// BENCH_APPS=0 leaves out the framework apps' builds (bench/app-cost.mjs, minutes).
import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { runChromium } from './chromium.mjs'
import { rotationSection, runKeyRotation } from './key-rotation.mjs'
import { measureAppCost } from './app-cost.mjs'
import { report } from './report.mjs'
import { verify } from './verify.mjs'

const started = Date.now()
const options = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 80),
  warmup: Number(process.env.BENCH_WARMUP ?? 5),
  batchMs: Number(process.env.BENCH_BATCH_MS ?? 2),
}
const load = () => loadavg().map((v) => v.toFixed(2)).join(' / ')
const loadBefore = load()

// Fresh keys each run; the private halves stay in this process to check the outputs.
const pairs = new Map()
for (const bits of [2048, 4096]) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  pairs.set(bits, {
    bits,
    text: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  })
}
const keys = [...pairs.values()].map(({ bits, text, pem }) => ({ bits, text, pem }))

function runNode() {
  const dir = mkdtempSync(join(tmpdir(), 'fincode-bench-'))
  const out = join(dir, 'node.json')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./node.mjs', import.meta.url).pathname, out], { stdio: ['pipe', 'inherit', 'inherit'] })
    const timer = setTimeout(() => child.kill(), 150_000)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      try {
        if (code !== 0) return reject(new Error(`bench/node.mjs ended with ${signal ?? `code ${code}`}`))
        resolve(JSON.parse(readFileSync(out, 'utf8')))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
    child.stdin.end(JSON.stringify({ keys, options }))
  })
}

console.error(`bench: ${options.rounds} rounds (+${options.warmup} warm-up), ~${options.batchMs} ms per sample`)
// The React entry is measured once it exists in dist/ (issue 3).
const hasReact = existsSync(new URL('../dist/react/index.js', import.meta.url))
const runs = [await runNode(), await runChromium(keys, options, { reactKey: hasReact ? pairs.get(2048).text : undefined })]
let verified = 0
for (const run of runs) verified += await verify(run, pairs)
const rotation = await runKeyRotation()

const pending = {
  react: 'The React entry (dist/react/index.js) was not built.',
}
const extra = {}
// After the timings: the apps' builds load both cores for minutes.
if (process.env.BENCH_APPS === '0') pending.appCost = 'BENCH_APPS=0 was set.'
else extra.appCost = await measureAppCost()

const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown CPU'
const meta = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  command: 'npm run bench',
  cpu,
  cores: cpus().length,
  loadBefore,
  loadAfter: load(),
  options,
  seconds: Math.round((Date.now() - started) / 1000),
  verified,
}
extra.rotation = rotationSection(rotation)
const react = runs.find((run) => run.react)?.react
if (react) {
  const valid = react.typedLength === react.keystrokes && react.controlCommits === react.keystrokes
  const verdict = !valid ? '**not proven** (the PIN was not typed whole, or the control did not re-render per keystroke)' : react.commits <= 1 ? 'met' : '**not met**'
  extra.react = `A form with \`useEncryptedField({ publicKey, name: 'transactionPin' })\` inside React's \`<Profiler>\` (React's development build, which reports renders), in Chromium; the 2048-bit key imported first, then the PIN typed with real key presses (Playwright's keyboard, 30 ms apart), then 200 ms to let any scheduled render run.

| keystrokes | characters in the input afterwards | Profiler commits of the form while typing | calls of the form component while typing | target: at most 1 re-render | control: commits of a \`useState\` PIN input, same keystrokes |
|--:|--:|--:|--:|---|--:|
| ${react.keystrokes} | ${react.typedLength} | ${react.commits} | ${react.formRenders} | ${verdict} | ${react.controlCommits} |

The control shows the Profiler counts renders here: a PIN held in React state re-renders on every keystroke.`
}
const findings = readFileSync(new URL('./findings.md', import.meta.url), 'utf8')
const docs = new URL('../docs/benchmarks.md', import.meta.url)
// The sandbox's kill -9 result is written by `npm run soak`; a bench run keeps it.
const soak = new URL('./sandbox-soak.md', import.meta.url)
writeFileSync(docs, report(runs, meta, pending, extra) + '\n' + findings + (existsSync(soak) ? '\n' + readFileSync(soak, 'utf8') : ''))
console.error(`bench: ${verified} outputs decrypted; wrote docs/benchmarks.md in ${meta.seconds} s`)
