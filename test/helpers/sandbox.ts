// A sandbox per test file, in a fresh temporary directory, on a free port.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js'

export interface TestSandbox extends Sandbox {
  /** Moves the sandbox's clock (tokens expire against it). */
  advance(ms: number): void
  /** Closes the sandbox and deletes its directory. */
  dispose(): Promise<void>
}

export function tempDir(prefix = 'fincode-sandbox-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const dataDir = options.dataDir ?? tempDir()
  let offset = 0
  const sandbox = await startSandbox({ port: 0, now: () => Date.now() + offset, ...options, dataDir })
  return Object.assign(Object.create(sandbox) as Sandbox, {
    advance: (ms: number) => void (offset += ms),
    dispose: async () => {
      await sandbox.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }) as TestSandbox
}

/** A plain JSON call to the sandbox, as curl would make it. */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(sandbox.apiUrl + path, {
    method,
    headers: { ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}
