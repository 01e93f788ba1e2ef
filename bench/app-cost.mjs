// What the library costs an app: the client JavaScript that the framework apps
// of framework-tests/ (the ones test/frameworks.test.ts builds and runs) gain
// from it, minified by their own bundler and gzipped (-9) file by file, as a
// browser downloads it.
//
// Each app is built twice from the same source: once as it is, on the packed
// library, and once with `fincode-secure/react` (the only library entry their
// client code imports) aliased to a shim of the same names that does nothing.
// The difference is what the library adds; the shim's own few bytes make it
// slightly low. Next.js is built with Turbopack and with webpack.
//
// `node bench/app-cost.mjs` (after `npm run build`) measures and rewrites the
// section of docs/benchmarks.md; `npm run bench` runs it as part of the bench.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const FRAMEWORKS = join(REPO, 'framework-tests')
const WORK = join(FRAMEWORKS, '.bench')
const SHIM = `// The baseline: fincode-secure/react's names, doing nothing.
const field = () => ({ inputProps: {}, hiddenInputProps: {}, status: 'idle', error: null, validationMessage: null, fingerprint: null, ciphertext: '',
  onSubmit: () => {}, handleSubmit: (fn) => fn, action: (fn) => fn, actionState: (fn) => fn, reset: () => {}, encrypt: async () => '' })
export const useEncryptedField = field
export const useEncryptedFields = field
export const EncryptedInput = () => null
export const FincodeKeyProvider = ({ children }) => children
export const useFincodeKey = () => ({ publicKey: null, status: 'idle', error: null, fingerprint: null, refresh: async () => null, source: null })
export class FincodeSecureError extends Error {}
export const isFincodeSecureError = () => false
`

/**
 * The shim must name every value the real entry exports, or an app importing a new one fails to build
 * as the baseline (as happened when the provider and <EncryptedInput> came): say which, before building.
 */
export async function checkShim() {
  const entry = await import(join(REPO, 'dist', 'react', 'index.js'))
  const shimmed = new Set([...SHIM.matchAll(/^export (?:const|class) (\w+)/gm)].map((match) => match[1]))
  const missing = Object.keys(entry).filter((name) => !shimmed.has(name))
  if (missing.length) throw new Error(`bench/app-cost.mjs: the baseline shim lacks ${missing.join(', ')}, exported by fincode-secure/react: add a do-nothing ${missing.length > 1 ? 'version of each' : 'version'} to SHIM.`)
}

function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe', timeout: 8 * 60_000, ...options, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', ...options.env } })
}

/** framework-tests/ installed (as the tests install it) and the packed library unpacked into it. */
function prepare() {
  if (!existsSync(join(FRAMEWORKS, 'node_modules', 'next'))) run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', FRAMEWORKS])
  const packDir = mkdtempSync(join(tmpdir(), 'fincode-app-cost-'))
  try {
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], { cwd: REPO })
    const tarball = readdirSync(packDir).find((name) => name.endsWith('.tgz'))
    const target = join(FRAMEWORKS, 'node_modules', 'fincode-secure')
    rmSync(target, { recursive: true, force: true })
    mkdirSync(target, { recursive: true })
    run('tar', ['-xzf', join(packDir, tarball), '-C', target, '--strip-components=1'])
    return JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).version
  } finally {
    rmSync(packDir, { recursive: true, force: true })
  }
}

/** Sum of gzip -9 sizes of the .js files under dir, and their count. */
function clientJs(dir) {
  let bytes = 0
  let gzip = 0
  let files = 0
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, name)
    if (!name.endsWith('.js') || !statSync(path).isFile()) continue
    const code = readFileSync(path)
    bytes += code.length
    gzip += gzipSync(code, { level: 9 }).length
    files++
  }
  return { bytes, gzip, files }
}

/** A copy of one app under framework-tests/.bench (inside the apps' root, as Turbopack requires). */
function copyApp(name, variant) {
  const dir = join(WORK, `${name}-${variant}`)
  rmSync(dir, { recursive: true, force: true })
  cpSync(join(FRAMEWORKS, name), dir, { recursive: true, filter: (path) => !/[/\\](\.next|dist)$/.test(path) })
  writeFileSync(join(dir, 'fincode-shim.mjs'), SHIM)
  return dir
}

function buildVite(variant) {
  const dir = copyApp('vite-app', variant)
  const alias = variant === 'baseline' ? `[{ find: /^fincode-secure\\/react$/, replacement: ${JSON.stringify(join(dir, 'fincode-shim.mjs'))} }]` : '[]'
  writeFileSync(
    join(dir, 'vite.config.ts'),
    `import react from '@vitejs/plugin-react'\nimport { defineConfig } from 'vite'\nexport default defineConfig({ root: import.meta.dirname, plugins: [react()], resolve: { alias: ${alias} } })\n`,
  )
  run(process.execPath, [join(FRAMEWORKS, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: dir })
  return clientJs(join(dir, 'dist'))
}

function buildNext(variant, bundler) {
  const dir = copyApp('next-app', variant)
  const baseline = variant === 'baseline'
  writeFileSync(
    join(dir, 'next.config.mjs'),
    `const root = ${JSON.stringify(FRAMEWORKS)}
export default {
  turbopack: { root, resolveAlias: ${baseline ? `{ 'fincode-secure/react': './fincode-shim.mjs' }` : '{}'} },
  outputFileTracingRoot: root,
  typescript: { ignoreBuildErrors: true },
  webpack(config) {
    ${baseline ? `config.resolve.alias['fincode-secure/react$'] = ${JSON.stringify(join(dir, 'fincode-shim.mjs'))}` : ''}
    return config
  },
}
`,
  )
  run(process.execPath, [join(FRAMEWORKS, 'node_modules/next/dist/bin/next'), 'build', ...(bundler === 'webpack' ? ['--webpack'] : [])], { cwd: dir })
  return clientJs(join(dir, '.next', 'static'))
}

const version = (name) => JSON.parse(readFileSync(join(FRAMEWORKS, 'node_modules', name, 'package.json'), 'utf8')).version

export async function measureAppCost() {
  await checkShim()
  const library = prepare()
  const rows = []
  try {
    const measure = (label, build) => {
      const withLibrary = build('library')
      const baseline = build('baseline')
      rows.push({ label, withLibrary, baseline })
      console.error(`bench: ${label}: +${withLibrary.gzip - baseline.gzip} B gzip`)
    }
    measure(`Vite ${version('vite')} + React ${version('react')} + react-hook-form + zod (vite-app)`, buildVite)
    measure(`Next.js ${version('next')}, Turbopack (next-app)`, (variant) => buildNext(variant, 'turbopack'))
    measure(`Next.js ${version('next')}, webpack (next-app)`, (variant) => buildNext(variant, 'webpack'))
  } finally {
    rmSync(WORK, { recursive: true, force: true })
  }
  const kb = (n) => (n / 1024).toFixed(1)
  return `What the apps of \`framework-tests/\` (built and run by \`test/frameworks.test.ts\`) ship to browsers, fincode-secure ${library} from \`npm pack\`. Each app is built twice from the same source: as it is, and with \`fincode-secure/react\` — the only entry its client code imports — aliased to a shim with the same names that does nothing. **gained** is the difference in client JavaScript, each emitted \`.js\` file gzipped (-9) on its own, as a browser downloads it; the shim's few bytes make it slightly low. The server entries (\`fincode-secure/server\`, \`/sandbox\`) are in no client file (asserted by the tests).

| app | client .js files | gzip, with the library | gzip, baseline | **gained, gzip** | gained, minified |
|---|--:|--:|--:|--:|--:|
${rows.map(({ label, withLibrary: w, baseline: b }) => `| ${label} | ${w.files} | ${kb(w.gzip)} KB | ${kb(b.gzip)} KB | **+${kb(w.gzip - b.gzip)} KB** | +${kb(w.bytes - b.bytes)} KB |`).join('\n')}

The library's share includes the core it uses (key import, RSA-OAEP, Base64, errors) and the hooks; React, react-hook-form and zod are in both builds.`
}

const START = '<!-- app-cost:start -->'
const END = '<!-- app-cost:end -->'

/** The section as report() places it, between markers so that it can be rewritten alone. */
export function appCostSection(markdown) {
  return `## What the library costs an app\n\n${START}\n${markdown}\n${END}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now()
  const section = appCostSection(await measureAppCost())
  const docs = join(REPO, 'docs', 'benchmarks.md')
  const text = readFileSync(docs, 'utf8')
  const at = text.indexOf('## What the library costs an app')
  const end = text.indexOf(END)
  const next = at >= 0 && end > at ? text.slice(0, at) + section + text.slice(end + END.length + 1) : text.replace('## Notes on the contenders', `${section}\n## Notes on the contenders`)
  writeFileSync(docs, next)
  console.error(`bench: wrote the app-cost section of docs/benchmarks.md in ${Math.round((Date.now() - started) / 1000)} s`)
}
