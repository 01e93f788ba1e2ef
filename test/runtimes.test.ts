// The runtime conformance matrix: one suite (runtime-tests/conformance.mjs),
// run on the library as npm packs it, in every runtime the library promises —
// Node 20 and 22, Deno, Bun, workerd, edge-runtime, Chromium, Firefox, WebKit.
// Each runtime runs the whole suite once in beforeAll (one at a time: the
// machines have 2 cores); each case is then its own test here.
//
// A runtime that cannot start fails all its cases. Outside CI a system browser
// that is not installed is NOT RUN: its cases are skipped, never passed, and the
// summary names the apt package. Under CI=true a missing browser fails too.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest'
import { casesFor, type CaseResult } from '../runtime-tests/conformance.mjs'
import { startEndpoint, type Report } from './runtimes/endpoint.js'
import { makeFixtures } from './runtimes/fixtures.js'
import { ensureRuntimesInstalled } from './runtimes/install.js'
import type { Matrix, Runtime } from './runtimes/matrix.js'
import { browserImportMap, packLibrary } from './runtimes/package.js'
import { withTimeout } from './runtimes/processes.js'
import { chromium } from './runtimes/run-chromium.js'
import { bun, deno, node20, node22 } from './runtimes/run-cli.js'
import { edgeRuntime } from './runtimes/run-edge.js'
import { firefox } from './runtimes/run-firefox.js'
import { webkit } from './runtimes/run-webkit.js'
import { workerd } from './runtimes/run-workerd.js'
import { updateSupportTable, writeSummary, type Outcome } from './runtimes/summary.js'

const RUNTIMES: Runtime[] = [node20, node22, deno, bun, workerd, edgeRuntime, chromium, firefox, webkit]
const CI = process.env.CI === 'true'
/** Start, run every case, and close: per runtime. */
const RUNTIME_DEADLINE_MS = 90_000
/** First use installs ~600 MB of runtimes into runtime-tests/node_modules. */
const SETUP_DEADLINE_MS = 12 * 60_000

let matrix: Matrix | undefined
let setupError: Error | undefined
let installError: Error | undefined
let cleanup: (() => Promise<void>) | undefined
const outcomes: Outcome[] = []
const started = Date.now()

/** A browser killed at its deadline may still be letting go of its profile there: retry, then only warn. */
function removeWorkDir(workDir: string): void {
  try {
    rmSync(workDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
  } catch (error) {
    console.warn(`could not remove ${workDir}: ${(error as Error).message}`)
  }
}

beforeAll(async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'fincode-runtimes-'))
  cleanup = async () => removeWorkDir(workDir)
  // Node 20, Chromium and WebKit need nothing from runtime-tests/: a failed install fails only the others.
  await ensureRuntimesInstalled().catch((error: Error) => (installError = error))
  try {
    const lib = await packLibrary(workDir)
    const { fixtures, secrets } = makeFixtures()
    const importMap = await browserImportMap(lib, ['fincode-secure', 'fincode-secure/server', 'fincode-secure/server/dangerously-allow-browser'])
    const endpoint = await startEndpoint({ fixtures, secrets, lib, importMap })
    matrix = { endpoint, lib, workDir }
    cleanup = async () => {
      await endpoint.close()
      removeWorkDir(workDir)
    }
  } catch (error) {
    setupError = error as Error
  }
}, SETUP_DEADLINE_MS)

afterAll(async () => {
  // scripts/test.mjs prints the summary at the end of `npm test`.
  if (outcomes.length) writeSummary(outcomes, matrix?.lib.version ?? '?', (Date.now() - started) / 1000)
  if (outcomes.length === RUNTIMES.length) updateSupportTable(outcomes)
  await cleanup?.()
})

interface RuntimeResult {
  notRun?: string
  error?: string
  results: Map<string, CaseResult>
}

async function runRuntime(runtime: Runtime, cases: string[]): Promise<RuntimeResult> {
  const outcome: Outcome = { label: runtime.label, cases: cases.length, passed: 0, failed: 0, skipped: 0 }
  outcomes.push(outcome)
  const missing = runtime.missing?.()
  if (missing && !CI) {
    outcome.notRun = missing
    outcome.skipped = cases.length
    return { notRun: missing, results: new Map() }
  }
  const t0 = Date.now()
  let report: Report
  try {
    if (setupError || !matrix) throw new Error(`the matrix could not be set up: ${setupError?.message}`)
    if (installError && runtime.fromRuntimePackages) throw new Error(`runtime-tests/ could not be installed: ${installError.message}`)
    if (missing) throw new Error(`${missing}; CI=true requires every runtime`)
    const controller = new AbortController()
    const run = runtime.run(matrix, { runId: randomUUID(), signal: controller.signal })
    try {
      const ran = await withTimeout(run, RUNTIME_DEADLINE_MS, `${runtime.label}`)
      outcome.version = ran.version
      report = ran.report
    } finally {
      // On a timeout this makes the runner's own waits give up, so its `finally` closes what it started.
      controller.abort(new Error(`${runtime.label} ran out of time (${RUNTIME_DEADLINE_MS / 1000} s)`))
      await run.catch(() => undefined)
    }
    if (report.fatal) throw new Error(`the suite could not run in ${runtime.label}: ${report.fatal}`)
  } catch (error) {
    outcome.error = (error as Error).message
    outcome.failed = cases.length
    outcome.seconds = (Date.now() - t0) / 1000
    return { error: outcome.error, results: new Map() }
  }
  outcome.seconds = (Date.now() - t0) / 1000
  const results = new Map((report.results ?? []).map((r) => [r.name, r]))
  for (const name of cases) {
    const r = results.get(name)
    if (r?.ok) outcome.passed++
    else if (r?.skipped) outcome.skipped++
    else outcome.failed++
  }
  return { results }
}

function expectCase(runtime: Runtime, result: RuntimeResult | undefined, name: string, context: TestContext): void {
  if (!result) throw new Error(`${runtime.label} was not run`)
  if (result.notRun) context.skip(`NOT RUN: ${result.notRun}`)
  if (result.error) throw new Error(`${runtime.label} did not run the suite: ${result.error}`)
  const r = result.results.get(name)
  if (!r) throw new Error(`${runtime.label} reported no result for this case`)
  if (r.skipped) context.skip(`not applicable in ${runtime.label}: ${r.skipped}`)
  if (!r.ok) throw new Error(r.error ?? 'failed without a message')
}

for (const runtime of RUNTIMES) {
  describe(runtime.label, () => {
    const cases = casesFor(runtime.kind)
    let result: RuntimeResult | undefined
    beforeAll(async () => {
      result = await runRuntime(runtime, cases)
    }, RUNTIME_DEADLINE_MS + 30_000)
    for (const name of cases) it(name, (context) => expectCase(runtime, result, name, context))
  })
}
