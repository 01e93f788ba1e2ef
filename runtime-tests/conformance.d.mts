// Types for the Node test that drives the suite (test/runtimes.test.ts).
export type RuntimeKind = 'server' | 'browser'

export interface CaseResult {
  name: string
  ok: boolean
  /** Why the case failed. */
  error?: string
  /** Why the case could not be exercised in this runtime (reported as skipped, never as passed). */
  skipped?: string
  ms?: number
}

/** Names of the cases that run in a runtime of this kind. */
export function casesFor(kind: RuntimeKind): string[]

export function run(lib: unknown, env: unknown): Promise<CaseResult[]>
