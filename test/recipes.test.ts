// docs/nextjs.md and docs/vite.md show the tested apps' own files
// (framework-tests/): each recipe block must be its file as it is. After changing an
// app, `node scripts/recipes.mjs` rewrites the blocks.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RECIPE_DOCS, recipes, REPO } from '../scripts/recipes.mjs'

describe.each(RECIPE_DOCS)('%s', (doc) => {
  const blocks = recipes(readFileSync(REPO + doc, 'utf8'))

  it('shows at least one of the tested apps’ files', () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((b) => [b.path, b.code] as const))('%s is shown as it is in the app', (path, code) => {
    expect(path).toMatch(/^framework-tests\//)
    expect(existsSync(REPO + path), `${path} does not exist`).toBe(true)
    expect(code, `run node scripts/recipes.mjs to update ${doc}`).toBe(readFileSync(REPO + path, 'utf8'))
  })
})
