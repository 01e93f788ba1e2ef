// The matrix's results as a table: test-results/runtimes-summary.txt (printed by
// scripts/test.mjs at the end of `npm test`) and the "Runtime support" table of
// README.md (Runtime support), whose rows are updated for every runtime that ran.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_DIR } from './install.js'

export interface Outcome {
  label: string
  /** What it ran as: "Node 20" gives e.g. "v20.20.2". */
  version?: string
  cases: number
  passed: number
  failed: number
  skipped: number
  /** Set when the runtime was not run at all (a missing system browser, outside CI). */
  notRun?: string
  /** Why the runtime could not run the suite (every case counts as failed). */
  error?: string
  seconds?: number
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

function note(o: Outcome): string {
  if (o.notRun) return `NOT RUN: ${o.notRun}`
  if (o.error) return `could not run: ${o.error.split('\n')[0]!.slice(0, 160)}`
  return ''
}

export function writeSummary(outcomes: Outcome[], libraryVersion: string, totalSeconds: number): void {
  const rows = outcomes.map((o) => [
    o.label,
    o.version ?? '-',
    String(o.passed),
    String(o.failed),
    String(o.skipped),
    o.seconds === undefined ? '-' : `${o.seconds.toFixed(1)} s`,
    note(o),
  ])
  const text = [
    `Runtime conformance (runtime-tests/conformance.mjs on fincode-secure ${libraryVersion} as packed by npm), ${totalSeconds.toFixed(0)} s`,
    table(['runtime', 'version', 'passed', 'failed', 'skipped', 'time', 'note'], rows),
    '',
  ].join('\n')
  mkdirSync(join(REPO_DIR, 'test-results'), { recursive: true })
  writeFileSync(join(REPO_DIR, 'test-results', 'runtimes-summary.txt'), text)
}

const DOC = join(REPO_DIR, 'README.md')
const START = '<!-- runtime-support:start (rows are rewritten by test/runtimes.test.ts for every runtime that ran) -->'
const END = '<!-- runtime-support:end -->'
const HEADER = ['Runtime', 'Version last run', 'Conformance cases']

/** Rewrites the rows of the runtimes that ran; rows of runtimes that did not run here keep their last result. */
export function updateSupportTable(outcomes: Outcome[]): void {
  if (!existsSync(DOC)) return
  const doc = readFileSync(DOC, 'utf8')
  const start = doc.indexOf(START)
  const end = doc.indexOf(END)
  if (start < 0 || end < start) return
  const previous = new Map<string, string[]>()
  for (const line of doc.slice(start + START.length, end).split('\n').slice(3)) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim())
    if (cells.length === HEADER.length) previous.set(cells[0]!, cells)
  }
  const rows = outcomes.map((o) => {
    if (o.notRun || o.error || !o.version) return previous.get(o.label) ?? [o.label, 'not run yet', '-']
    const result = o.failed === 0 ? `${o.passed}/${o.cases} pass${o.skipped ? `, ${o.skipped} not applicable` : ''}` : `${o.failed} of ${o.cases} FAIL`
    return [o.label, o.version, result]
  })
  const next = `${doc.slice(0, start + START.length)}\n${table(HEADER, rows)}\n${doc.slice(end)}`
  if (next !== doc) writeFileSync(DOC, next)
}
