#!/usr/bin/env node
// `npm test`: build, type-check, then every vitest project (node, happy-dom,
// real Chromium, the runtime matrix, the packaging gates, the demo end to end).
// Ends with one line, `N passed, M failed`, counted from vitest's JSON report.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1

let passed = 0
let failed = 0
let skipped = 0

for (const [label, args] of [
  ['build', ['run', 'build']],
  ['typecheck', ['run', 'typecheck']],
]) {
  if (run('npm', args) === 0) passed++
  else {
    console.error(`\n${label} failed`)
    failed++
  }
}

mkdirSync('test-results', { recursive: true })
const report = 'test-results/vitest.json'
rmSync(report, { force: true })
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)])
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'))
  passed += result.numPassedTests
  failed += result.numFailedTests
  skipped += result.numPendingTests + result.numTodoTests
  // A file that failed to load, or whose setup failed (its tests then show as
  // skipped), has no failed test to count: count the file itself as a failure.
  for (const file of result.testResults) {
    if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')) failed++
  }
} else {
  failed++
}
if (status !== 0 && failed === 0) failed++

if (existsSync('test-results/runtimes-summary.txt')) console.log('\n' + readFileSync('test-results/runtimes-summary.txt', 'utf8'))
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed ? 1 : 0)
