// The package's entries, read from package.json "exports": the API reference
// (scripts/docs-api.mjs) and its completeness test (test/docs-api.test.ts) cover
// every entry there, so a new entry is documented without editing a list.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** `[{ name: 'fincode-secure/react', source: 'src/react/index.ts' }, …]`, in the order of "exports". */
export function packageEntries() {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const entries = []
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (subpath === './package.json') continue
    const types = typeof target === 'string' ? target : findTypes(target)
    if (!types) throw new Error(`package.json exports["${subpath}"] has no "types" condition to document`)
    const stem = types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '')
    const source = [`${stem}.ts`, `${stem}.tsx`].find((file) => existsSync(root + file))
    if (!source) throw new Error(`package.json exports["${subpath}"]: no source file for ${types} (looked for ${stem}.ts and .tsx)`)
    entries.push({ name: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`, source })
  }
  return entries
}

// "types" may sit at the top of the conditions or inside nested ones (node, browser, …).
function findTypes(conditions) {
  if (typeof conditions === 'string') return conditions.endsWith('.d.ts') ? conditions : null
  if (conditions === null || typeof conditions !== 'object') return null
  if (typeof conditions.types === 'string') return conditions.types
  for (const value of Object.values(conditions)) {
    const found = findTypes(value)
    if (found) return found
  }
  return null
}
