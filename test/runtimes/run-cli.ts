// Runners for the command-line runtimes: each runs runtime-tests/entry-cli.mjs
// in the throwaway project, where `fincode-secure` is the unpacked npm package.
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { binaries } from './install.js'
import { reportOrExit, type Matrix, type RunContext, type Runtime } from './matrix.js'
import { startProcess, versionOf } from './processes.js'

async function runEntry(matrix: Matrix, context: RunContext, what: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  const proc = startProcess(command, [...args, 'entry-cli.mjs', matrix.endpoint.origin, context.runId], { cwd: matrix.lib.projectDir, env })
  try {
    return await reportOrExit(matrix, context, proc, what)
  } finally {
    await proc.kill()
  }
}

/** A minimal environment: nothing of the test process leaks into the runtime. */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...extra }
}

export const node20: Runtime = {
  label: 'Node 20',
  kind: 'server',
  fromRuntimePackages: false,
  async run(matrix, context) {
    // The Node this machine runs the tests with (engines.node >= 20).
    const version = await versionOf(process.execPath)
    return { version, report: await runEntry(matrix, context, 'node', process.execPath, [], baseEnv()) }
  },
}

export const node22: Runtime = {
  label: 'Node 22',
  kind: 'server',
  fromRuntimePackages: true,
  async run(matrix, context) {
    const node = binaries.node22()
    const version = await versionOf(node)
    return { version, report: await runEntry(matrix, context, 'node 22', node, [], baseEnv()) }
  },
}

export const deno: Runtime = {
  label: 'Deno',
  kind: 'server',
  fromRuntimePackages: true,
  async run(matrix, context) {
    const bin = binaries.deno()
    const version = (await versionOf(bin)).replace(/^deno /, '').replace(/ \(.*$/, '')
    const denoDir = mkdtempSync(join(matrix.workDir, 'deno-dir-'))
    const { host } = new URL(matrix.endpoint.origin)
    try {
      // Permissions: the endpoint's port on 127.0.0.1 and the project's files, nothing else.
      const args = ['run', '--no-prompt', '--no-lock', `--allow-net=${host}`, `--allow-read=${matrix.lib.projectDir}`]
      const env = baseEnv({ DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' })
      return { version, report: await runEntry(matrix, context, 'deno', bin, args, env) }
    } finally {
      rmSync(denoDir, { recursive: true, force: true })
    }
  },
}

export const bun: Runtime = {
  label: 'Bun',
  kind: 'server',
  fromRuntimePackages: true,
  async run(matrix, context) {
    const bin = binaries.bun()
    const version = await versionOf(bin)
    // --no-install: resolve from node_modules only, never fetch a package at run time.
    const env = baseEnv({ BUN_INSTALL_CACHE_DIR: join(matrix.workDir, 'bun-cache'), DO_NOT_TRACK: '1' })
    return { version, report: await runEntry(matrix, context, 'bun', bin, ['--no-install'], env) }
  },
}
