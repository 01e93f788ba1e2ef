// Packaging of `fincode-secure/java-default`: its own exports entry, and none of
// its code in a bundle that imports only the core. Bundles dist/ (npm test
// builds first) with esbuild, as an application's bundler would.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { build } from 'esbuild'
import { beforeAll, describe, expect, test } from 'vitest'

// Identifiers and literals that exist only in the java-default code (src/java-default.ts,
// _sha1.ts, _modpow.ts, _yield.ts, and the spkiRsaInts half of _rsa.ts).
const MARKERS = ['RSA-OAEP-256-MGF1-SHA1', 'mgf1Sha1', 'modPow', 'getBigUint64', 'yieldToEventLoop', 'spkiRsaInts', '1518500249' /* SHA-1's first round constant */]

async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

beforeAll(() => {
  if (!existsSync('dist/java-default.js')) throw new Error('dist/ is missing: run `npm run build` first (npm test does).')
})

describe('bundles', () => {
  test('importing encryptPayload from the core brings in no java-default code', async () => {
    const core = await bundle("import { encryptPayload } from './dist/index.js'; console.log(encryptPayload)")
    expect(MARKERS.filter((marker) => core.includes(marker))).toEqual([])
  })

  test('importing everything the core exports brings in none either', async () => {
    const core = await bundle("import * as core from './dist/index.js'; console.log(core)")
    expect(MARKERS.filter((marker) => core.includes(marker))).toEqual([])
  })

  test('importing javaDefault brings in all of it (so the check above can fail)', async () => {
    const withScheme = await bundle("import { javaDefault } from './dist/java-default.js'; console.log(javaDefault)")
    expect(MARKERS.filter((marker) => !withScheme.includes(marker))).toEqual([])
  })
})

describe('package.json', () => {
  test('exports "./java-default" with types first, pointing at built files', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
    const entry = pkg.exports['./java-default']
    expect(entry).toEqual({ types: './dist/java-default.d.ts', default: './dist/java-default.js' })
    expect(Object.keys(entry)[0]).toBe('types')
    expect(existsSync(entry.types)).toBe(true)
  })

  test('`import("fincode-secure/java-default")` resolves through the exports map in Node', () => {
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "const { javaDefault } = await import('fincode-secure/java-default'); console.log(javaDefault.name)"],
      { encoding: 'utf8', timeout: 30_000 },
    )
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('RSA-OAEP-256-MGF1-SHA1')
  })
})
