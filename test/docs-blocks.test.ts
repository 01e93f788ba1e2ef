// Every code block of README.md and docs/*.md, checked as a reader would use it
// (the convention: CONTRIBUTING.md, "Code blocks in the docs"):
// - ts, tsx, js, jsx: type-checked under `strict` against the built package;
// - the same with `run` (```ts run): also executed in Node, against a sandbox;
// - sh, text, java, …: commands, output samples and other languages, skipped;
// - a block with no language, or one this checker does not know, fails.
// A failure names the Markdown file and line. Needs dist/ (npm test builds first).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  ROOT,
  blockName,
  docFiles,
  extractBlocks,
  kindOf,
  runBlocks,
  typeCheck,
  writeBlocks,
  type RunResult,
  type WrittenBlock,
} from './helpers/doc-blocks.js'

const files = docFiles()
const blocks = files.flatMap((file) => extractBlocks(file))
const written = writeBlocks(blocks)

let diagnostics = new Map<WrittenBlock, string[]>()
let runs = new Map<WrittenBlock, RunResult>()

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/index.d.ts')) || !existsSync(join(ROOT, 'dist/sandbox/index.js'))) {
    throw new Error('dist/ is not built: run `npm run build` (npm test does) before the doc-block checks.')
  }
  diagnostics = typeCheck(written)
  runs = runBlocks(written)
}, 180_000)

it('finds the blocks of README.md and every docs/*.md', () => {
  expect(files).toContain('README.md')
  expect(blocks.filter((block) => block.file === 'README.md').length).toBeGreaterThan(4)
  const count = (kind: string) => blocks.filter((block) => kindOf(block) === kind).length
  const skipped = blocks.filter((block) => kindOf(block) === 'skipped')
  const byLanguage = [...new Set(skipped.map((block) => block.language))].map((language) => `${language} ${skipped.filter((block) => block.language === language).length}`)
  console.log(
    `doc blocks in ${files.length} files: ${count('checked') + count('run')} type-checked (${count('run')} of them run), ` +
      `${skipped.length} skipped (${byLanguage.join(', ')})`,
  )
})

it('marks every block with a language this checker knows', () => {
  const unmarked = blocks
    .filter((block) => kindOf(block) === 'unmarked' || kindOf(block) === 'unknown')
    .map((block) => `${blockName(block)}: ${block.language ? `unknown language "${block.language}"` : 'no language'}: mark it (ts, tsx, js, sh, text, …)`)
  expect(unmarked, 'see CONTRIBUTING.md, "Code blocks in the docs"').toEqual([])
})

it('gives `run` only to blocks it can run', () => {
  const misplaced = blocks.filter((block) => block.flags.includes('run') && kindOf(block) !== 'run').map(blockName)
  expect(misplaced).toEqual([])
})

for (const file of files) {
  const mine = written.filter((w) => w.block.file === file)
  if (!mine.length) continue
  describe(file, () => {
    for (const w of mine) {
      it(`${blockName(w.block)} (${w.block.language}${w.kind === 'run' ? ' run' : ''}) type-checks under strict`, () => {
        expect(diagnostics.get(w)).toEqual([])
      })
      if (w.kind === 'run') {
        it(`${blockName(w.block)} runs`, () => {
          const result = runs.get(w)!
          expect(result.error ?? null).toBeNull()
          expect(result.ok).toBe(true)
        })
      }
    }
  })
}
