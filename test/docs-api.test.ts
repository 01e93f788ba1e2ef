// The API reference (npm run docs, TypeDoc) is only as good as the comments it
// is made from: every export of every entry in package.json "exports", and each
// property and method of an exported interface or class, has a TSDoc comment;
// and the reference builds without a TypeDoc warning.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { packageEntries } from '../scripts/docs-entries.mjs'
import { undocumentedExports } from './helpers/api-docs.js'

it('every export of every entry has a TSDoc comment', () => {
  const { entries, exports, undocumented } = undocumentedExports()
  expect(entries).toContain('fincode-secure')
  expect(exports).toBeGreaterThan(20)
  expect(undocumented.map(({ name, where }) => `${name} (${where})`), 'add a /** … */ comment to each').toEqual([])
}, 60_000)

it('npm run docs writes the HTML reference, one module per entry named by its import specifier', () => {
  const out = mkdtempSync(join(tmpdir(), 'fincode-docs-api-'))
  try {
    const result = spawnSync(process.execPath, ['scripts/docs-api.mjs', out], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } })
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0)
    expect(existsSync(join(out, 'index.html'))).toBe(true)
    const modules = readFileSync(join(out, 'modules.html'), 'utf8')
    // An entry that is another's module under a second name (fincode-secure/server/dangerously-allow-browser is
    // fincode-secure/server's module) shares that module's page.
    const documented = new Set<string>()
    for (const { name, source } of packageEntries()) {
      if (documented.has(source)) continue
      documented.add(source)
      expect(modules).toContain(`>${name}<`)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 300_000)
