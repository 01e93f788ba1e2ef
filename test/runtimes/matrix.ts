// What a runner gets and gives back. A runner is thin: start its runtime, load
// the suite there, wait for the report, close everything in `finally`.
import type { RuntimeKind } from '../../runtime-tests/conformance.mjs'
import type { Endpoint, Report } from './endpoint.js'
import type { PackedLibrary } from './package.js'
import { abortable, sleep, type Proc } from './processes.js'

export interface Matrix {
  endpoint: Endpoint
  lib: PackedLibrary
  /** A temporary directory for this test run, removed at the end. */
  workDir: string
}

export interface RunContext {
  runId: string
  /** Aborts at the runtime's deadline: every wait must give up then. */
  signal: AbortSignal
}

export interface Runtime {
  label: string
  kind: RuntimeKind
  /** True when it comes from runtime-tests/node_modules (and cannot run if that install failed). */
  fromRuntimePackages: boolean
  /** A system browser that is not installed: its apt package, for the NOT RUN note. */
  missing?(): string | undefined
  run(matrix: Matrix, context: RunContext): Promise<{ version: string; report: Report }>
}

/** The runtime's report, or an error with its output if it exits without one. */
export function reportOrExit(matrix: Matrix, context: RunContext, proc: Proc, what: string): Promise<Report> {
  const exitedEarly = proc.exited.then(async (code) => {
    await sleep(2000) // a report posted just before a normal exit is still on its way
    throw new Error(`${what} exited with code ${code} without reporting:\n${proc.output()}`)
  })
  return abortable(Promise.race([matrix.endpoint.report(context.runId), exitedEarly]), context.signal)
}

/** A page's report, or what the page logged if it never comes. */
export async function pageReport(matrix: Matrix, context: RunContext, log: string[]): Promise<Report> {
  try {
    return await abortable(matrix.endpoint.report(context.runId), context.signal)
  } catch (error) {
    throw new Error(`${(error as Error).message}; the page logged:\n${log.join('\n') || '(nothing)'}`)
  }
}

export function pageUrl(matrix: Matrix, context: RunContext): string {
  return `${matrix.endpoint.origin}/page.html?run=${context.runId}`
}
