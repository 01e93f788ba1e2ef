// The library as a user gets it: `npm pack` of the built package, unpacked as
// node_modules/fincode-secure of a throwaway project. Every runtime reaches it
// through its `exports` map — Node, Deno and Bun resolve the bare specifiers
// themselves; for workerd, edge-runtime and the browsers esbuild resolves them
// with those platforms' export conditions — so a broken map or a file missing
// from `files` fails the matrix.
import * as esbuild from 'esbuild'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { REPO_DIR, RUNTIME_DIR } from './install.js'
import { runCommand } from './processes.js'

export interface PackedLibrary {
  /** The throwaway project: package.json, node_modules/fincode-secure, and the suite's entry files. */
  projectDir: string
  /** node_modules/fincode-secure inside it. */
  packageDir: string
  version: string
}

/** Files of the suite that run inside the runtimes, copied next to the unpacked package. */
const SUITE_FILES = ['conformance.mjs', 'harness.mjs', 'entry-cli.mjs', 'entry-worker.mjs', 'entry-edge.mjs']

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/**
 * `npm test` builds before vitest runs; a direct `npx vitest run` may find dist/
 * missing or older than src/, and would test stale code: build it then.
 */
async function ensureBuilt(): Promise<void> {
  const entry = join(REPO_DIR, 'dist', 'index.js')
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(REPO_DIR, 'src'))) return
  const { code, output } = await runCommand('npm', ['run', 'build'], { cwd: REPO_DIR, timeoutMs: 180_000 })
  if (code !== 0) throw new Error(`npm run build failed:\n${output}`)
}

export async function packLibrary(workDir: string): Promise<PackedLibrary> {
  await ensureBuilt()
  // --ignore-scripts: pack exactly the dist/ that was just checked, whatever prepack may later do.
  const { code, output } = await runCommand('npm', ['pack', '--ignore-scripts', '--pack-destination', workDir], {
    cwd: REPO_DIR,
    timeoutMs: 120_000,
  })
  if (code !== 0) throw new Error(`npm pack failed:\n${output}`)
  // The tarball's name follows from package.json. (Not from `npm pack --json`: its file list
  // outgrew the 8 KiB of output runCommand keeps, and only its tail was left to parse.)
  const { name, version } = JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8')) as { name: string; version: string }
  const packed = { filename: `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`, version }
  if (!existsSync(join(workDir, packed.filename))) throw new Error(`npm pack did not write ${packed.filename}:\n${output}`)
  const projectDir = join(workDir, 'project')
  const packageDir = join(projectDir, 'node_modules', 'fincode-secure')
  mkdirSync(packageDir, { recursive: true })
  const tar = await runCommand('tar', ['-xzf', join(workDir, packed.filename), '-C', packageDir, '--strip-components=1'], { timeoutMs: 60_000 })
  if (tar.code !== 0) throw new Error(`unpacking ${packed.filename} failed:\n${tar.output}`)
  writeFileSync(
    join(projectDir, 'package.json'),
    JSON.stringify({ name: 'conformance-project', private: true, type: 'module', dependencies: { 'fincode-secure': packed.version } }, null, 2),
  )
  for (const file of SUITE_FILES) copyFileSync(join(RUNTIME_DIR, file), join(projectDir, file))
  return { projectDir, packageDir, version: packed.version }
}

type Platform = 'workerd' | 'edge-light' | 'browser'

/** Export conditions as each platform's own bundler applies them (wrangler, Next.js, a browser bundler). */
const CONDITIONS: Record<Platform, string[]> = {
  workerd: ['workerd', 'worker'],
  'edge-light': ['edge-light', 'worker'],
  browser: [],
}

/**
 * Where a bare specifier leads through the packed package's `exports` map on
 * `platform`: a file path, or esbuild's own explanation of why it leads nowhere.
 */
export async function resolveExport(lib: PackedLibrary, specifier: string, platform: Platform): Promise<{ path?: string; error?: string }> {
  let result: { path?: string; error?: string } = {}
  await esbuild.build({
    stdin: { contents: '', resolveDir: lib.projectDir },
    write: false,
    logLevel: 'silent',
    platform: 'browser',
    conditions: CONDITIONS[platform],
    plugins: [
      {
        name: 'resolve-only',
        setup(build) {
          build.onStart(async () => {
            const r = await build.resolve(specifier, { kind: 'import-statement', resolveDir: lib.projectDir })
            result = r.errors.length ? { error: r.errors.map((e) => e.text).join('; ') } : { path: r.path }
          })
        },
      },
    ],
  })
  return result
}

/**
 * Bundles one of the suite's entries with the library for a platform that
 * cannot load the unpacked package itself. A `fincode-secure…` specifier that
 * the exports map does not resolve becomes a module that throws when imported,
 * so that the cases needing it fail with esbuild's reason while the others run.
 */
export async function bundleEntry(lib: PackedLibrary, entry: string, platform: Platform, format: 'esm' | 'iife'): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [join(lib.projectDir, entry)],
    absWorkingDir: lib.projectDir,
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    conditions: CONDITIONS[platform],
    target: 'es2022',
    logLevel: 'silent',
    plugins: [
      {
        name: 'unresolved-export-throws',
        setup(build) {
          build.onResolve({ filter: /^fincode-secure(\/.*)?$/ }, async (args) => {
            if (args.pluginData === 'inner') return undefined
            const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'inner' })
            if (!r.errors.length) return { path: r.path }
            return { path: args.path, namespace: 'unresolved', pluginData: r.errors.map((e) => e.text).join('; ') }
          })
          build.onLoad({ filter: /.*/, namespace: 'unresolved' }, (args) => ({
            contents: `throw new Error(${JSON.stringify(`esbuild (${platform} conditions) could not resolve "${args.path}" through the package's exports map: ${String(args.pluginData)}`)})`,
            loader: 'js',
          }))
        },
      },
    ],
  })
  return result.outputFiles[0]!.text
}

/** The import map a browser page needs to load the package's own files, unbundled. */
export async function browserImportMap(lib: PackedLibrary, specifiers: string[]): Promise<{ imports: Record<string, string> }> {
  const imports: Record<string, string> = {}
  for (const specifier of specifiers) {
    const { path } = await resolveExport(lib, specifier, 'browser')
    // Unresolvable: left out of the map, so the page's import() fails as it would for a user.
    if (path) imports[specifier] = `/pkg/${relative(lib.packageDir, path).split('\\').join('/')}`
  }
  return { imports }
}
