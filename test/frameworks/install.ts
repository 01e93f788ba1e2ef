// The framework apps (framework-tests/) share one package.json and lockfile,
// kept out of the library's devDependencies and installed on first use, as
// runtime-tests/ is. The library itself is not in that lockfile: it is `npm pack`
// of this repository, unpacked into framework-tests/node_modules/fincode-secure
// after the install, so the apps get exactly what a user installs.
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO_DIR } from '../runtimes/install.js'
import { packLibrary } from '../runtimes/package.js'
import { runCommand } from '../runtimes/processes.js'

export const FRAMEWORKS_DIR = join(REPO_DIR, 'framework-tests')
export const MODULES = join(FRAMEWORKS_DIR, 'node_modules')
const STAMP = join(MODULES, '.installed-lock-sha256')

export const IN_CI = process.env.CI === 'true'

/** `npm ci` in framework-tests/ unless node_modules matches the lockfile already. */
export async function ensureFrameworksInstalled(): Promise<void> {
  const lock = createHash('sha256').update(readFileSync(join(FRAMEWORKS_DIR, 'package-lock.json'))).digest('hex')
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lock) return
  // --ignore-scripts: nothing here needs an install script (Next.js ships its compiler in @next/swc-linux-x64-gnu).
  const { code, output } = await runCommand('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', FRAMEWORKS_DIR], {
    timeoutMs: 8 * 60_000,
  })
  if (code !== 0) throw new Error(`npm ci --prefix framework-tests failed (${code}):\n${output}`)
  writeFileSync(STAMP, lock)
}

/** Packs the library (building dist/ first if it is stale) and unpacks it as framework-tests/node_modules/fincode-secure. */
export async function installPackedLibrary(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'fincode-frameworks-pack-'))
  try {
    const lib = await packLibrary(workDir)
    const target = join(MODULES, 'fincode-secure')
    rmSync(target, { recursive: true, force: true })
    cpSync(lib.packageDir, target, { recursive: true })
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

/** A binary of framework-tests/node_modules/.bin, run with the machine's Node. */
export function bin(name: 'next' | 'vite' | 'tsc'): string {
  const paths = { next: 'next/dist/bin/next', vite: 'vite/bin/vite.js', tsc: 'typescript/bin/tsc' }
  return join(MODULES, paths[name])
}
