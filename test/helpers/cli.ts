// Runs the built command line (dist/cli/main.js) as a user would, asynchronously:
// a sandbox it talks to may run in the test's own process and must keep answering.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

export const CLI = join(process.cwd(), 'dist/cli/main.js')

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

export function runCli(args: string[], timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}
