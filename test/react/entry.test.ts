// The core entry must never pull React in: apps without React install nothing
// extra, and server code importing 'fincode-secure' stays React-free.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { expect, test } from 'vitest'

const root = process.cwd()

/** Every module src/index.ts reaches through relative imports, and the bare specifiers they import. */
function importGraph(entry: string) {
  const files = new Set<string>()
  const bare = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    const source = readFileSync(file, 'utf8')
    for (const [, spec] of source.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      if (!spec) continue
      if (spec.startsWith('.')) {
        const base = resolve(dirname(file), spec.replace(/\.js$/, ''))
        visit(existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.tsx`)
      }
      else bare.add(spec)
    }
  }
  visit(join(root, entry))
  return { files: [...files].map((f) => f.slice(root.length + 1)), bare: [...bare] }
}

test('src/index.ts reaches no React module and nothing under src/react', () => {
  const { files, bare } = importGraph('src/index.ts')
  expect(files.length).toBeGreaterThan(5)
  expect(files.filter((f) => f.startsWith('src/react/'))).toEqual([])
  expect(bare).toEqual([])
})

test('src/react/index.ts imports only react (and the core, relatively)', () => {
  const { files, bare } = importGraph('src/react/index.ts')
  expect(files).toContain('src/encrypt.ts')
  expect(bare.sort()).toEqual(['react']) // and react/jsx-runtime, which <EncryptedInput>'s JSX compiles to
})

test('package.json: ./react export, React 19 as an optional peer, no runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  expect(pkg.exports['./react']).toEqual({ types: './dist/react/index.d.ts', default: './dist/react/index.js' })
  expect(pkg.peerDependencies).toEqual({ react: '>=19' })
  expect(pkg.peerDependenciesMeta).toEqual({ react: { optional: true } })
  expect(pkg.dependencies).toBeUndefined()
})

test("the React entry's public types reference react, never react-dom", () => {
  const { files } = importGraph('src/react/index.ts')
  for (const file of files) expect(readFileSync(join(root, file), 'utf8'), file).not.toMatch(/['"]react-dom/)
})
