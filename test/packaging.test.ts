import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Packaging gates: what a user installs from the registry must be the package
// we test. `npm test` builds dist/ before vitest runs.
const root = new URL('../', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const entries = Object.keys(pkg.exports)
  .filter((e) => e !== './package.json')
  .map((e) => (e === '.' ? pkg.name : `${pkg.name}/${e.slice(2)}`))
// Entries for Node only: their types may use @types/node. Every other entry must
// type-check with no Node types at all, as in a browser or edge project.
const NODE_ONLY = new Set([`${pkg.name}/sandbox`])

function run(cmd: string, args: string[], cwd = root): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error })
  }
}

describe('package.json', () => {
  it('is ESM-only with no runtime dependencies, side-effect free but for the stubs, and whitelisted', () => {
    expect(pkg.type).toBe('module')
    expect(pkg.dependencies ?? {}).toEqual({})
    // The browser/edge stubs of the server entries throw on load on purpose (test/export-conditions.test.ts).
    expect(pkg.sideEffects).toEqual(['./dist/server/browser.js', './dist/sandbox/browser.js', './dist/sandbox/edge.js'])
    expect(pkg.files).toContain('dist')
    expect(pkg.engines.node).toBe('>=20')
  })

  it('lists "types" first in every exports entry', () => {
    for (const [entry, target] of Object.entries<Record<string, string> | string>(pkg.exports)) {
      if (typeof target === 'string') continue
      expect(Object.keys(target)[0], entry).toBe('types')
    }
  })

  it('passes publint --strict', () => {
    expect(run('npx', ['publint', '--strict'])).toMatch(/All good/)
  }, 120_000)

  it('has no type problems for ESM consumers (arethetypeswrong, esm-only profile)', () => {
    // The esm-only profile ignores node10 and require(): this package is ESM-only by design.
    expect(() => run('npx', ['attw', '--pack', '.', '--profile', 'esm-only', '--no-color'])).not.toThrow()
  }, 120_000)
})

describe('the packed tarball, installed into a fresh project', () => {
  let app: string

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'fincode-pack-'))
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', app]).trim().split('\n').pop()!
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'smoke', private: true, type: 'module' }))
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(app, tarball)], app)
    // Peers and type packages an app would already have, borrowed from this checkout.
    for (const dep of ['react', 'react-dom', '@types/react', '@types/node', 'typescript']) {
      const target = join(app, 'node_modules', dep)
      mkdirSync(join(target, '..'), { recursive: true })
      symlinkSync(join(root, 'node_modules', dep), target, 'dir')
    }
  }, 180_000)

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true })
  })

  it('ships only dist/, README, LICENSE and package.json', () => {
    const files = run('npm', ['pack', '--dry-run', '--json']).trim()
    const listed: string[] = JSON.parse(files)[0].files.map((f: { path: string }) => f.path)
    expect(listed.every((f) => f.startsWith('dist/') || ['README.md', 'package.json', 'LICENSE'].includes(f))).toBe(true)
    expect(listed).toContain('LICENSE')
  })

  it.each(entries)('imports %s as ESM in Node', (entry) => {
    const out = run('node', ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).length)`], app)
    expect(Number(out.trim())).toBeGreaterThan(0)
  }, 60_000)

  it.each(['bundler', 'node16'])('type-checks every entry under moduleResolution %s', (resolution) => {
    const dir = join(app, resolution)
    mkdirSync(dir, { recursive: true })
    const imports = (list: string[]) => list.map((e, i) => `import * as m${i} from ${JSON.stringify(e)}\nexport { m${i} }\n`).join('')
    writeFileSync(join(dir, 'web.ts'), imports(entries.filter((e) => !NODE_ONLY.has(e))))
    writeFileSync(join(dir, 'node.ts'), imports([...NODE_ONLY]))
    for (const [file, types] of [['web', []], ['node', ['node']]] as const) {
      writeFileSync(
        join(dir, `tsconfig.${file}.json`),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: 'ES2022',
            lib: ['ES2022', 'DOM'],
            module: resolution === 'bundler' ? 'ESNext' : 'Node16',
            moduleResolution: resolution === 'bundler' ? 'Bundler' : 'Node16',
            types,
          },
          files: [`${file}.ts`],
        }),
      )
      // package.json "type": "module" of the app makes the files ES modules under node16.
      expect(() => run('node', [join(app, 'node_modules/typescript/bin/tsc'), '-p', join(dir, `tsconfig.${file}.json`)], app)).not.toThrow()
    }
   }, 180_000)
})
