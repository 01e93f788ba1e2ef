// Child processes for the runtime matrix: every one runs in its own process
// group with a deadline, so a hung runtime (or a browser's helper processes)
// can be killed as a whole and never outlives the test run.
import { spawn, type StdioOptions } from 'node:child_process'
import { createServer } from 'node:net'
import type { Readable } from 'node:stream'

export interface Proc {
  readonly pid: number
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>
  /** The last 8 KB of stdout and stderr, for error messages. */
  output(): string
  /** An extra pipe the child writes to (stdio index ≥ 3), e.g. Xvfb's -displayfd. */
  pipe(index: number): Readable | undefined
  /** SIGKILL to the whole process group; resolves when the child has exited (or after 5 s). */
  kill(): Promise<void>
}

const KEEP = 8192

export function startProcess(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdio?: StdioOptions } = {}): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: kill(-pid) reaches its children too
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-KEEP)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let done = false
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      output += `\n${error.message}`
      done = true
      resolve(null)
    })
    child.once('exit', (code) => {
      done = true
      resolve(code)
    })
  })
  const pid = child.pid ?? -1
  return {
    pid,
    exited,
    output: () => output.trim(),
    pipe: (index) => (child.stdio[index] as Readable | null | undefined) ?? undefined,
    async kill() {
      if (pid > 0) {
        try {
          process.kill(-pid, 'SIGKILL')
        } catch {
          // the group is already gone
        }
      }
      if (!done) await Promise.race([exited, sleep(5000)])
    },
  }
}

/** Runs a command to completion, or kills it at the deadline. */
export async function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; output: string }> {
  const proc = startProcess(command, args, options)
  try {
    const code = await withTimeout(proc.exited, options.timeoutMs, `${command} ${args.join(' ')}`)
    return { code, output: proc.output() }
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${proc.output()}`)
  } finally {
    await proc.kill()
  }
}

/** The first line a `--version` prints, or why there is none. */
export async function versionOf(command: string, args = ['--version']): Promise<string> {
  const { code, output } = await runCommand(command, args, { timeoutMs: 20_000 })
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}: ${output}`)
  return output.split('\n')[0]!.trim()
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** `promise`, or a rejection as soon as `signal` aborts (the runtime's deadline), so `finally` blocks get to clean up. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error as Error)
      },
    )
  })
}

/**
 * Like `abortable` for something that must be closed (a browser being
 * launched): if the deadline passes first, it waits for the start to settle
 * (bounded by the launch's own timeout) and closes what arrives, so that when
 * a runner settles nothing it started is still running.
 */
export async function startAbortable<T>(starting: Promise<T>, signal: AbortSignal, close: (started: T) => Promise<unknown>): Promise<T> {
  try {
    return await abortable(starting, signal)
  } catch (error) {
    await starting.then(close).catch(() => undefined)
    throw error
  }
}
