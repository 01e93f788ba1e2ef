// How the doc checker (test/docs-blocks.test.ts) reads Markdown: which blocks
// it finds, what it makes of their info strings and hidden preludes, and where
// it says a block is.
import { describe, expect, it } from 'vitest'
import { extractBlocks, kindOf, sourceLine, type DocBlock } from './helpers/doc-blocks.js'

const md = (...lines: string[]) => lines.join('\n')
const only = (text: string): DocBlock => {
  const blocks = extractBlocks('docs/example.md', text)
  expect(blocks).toHaveLength(1)
  return blocks[0]!
}

describe('info strings', () => {
  it.each([
    ['ts', 'checked'],
    ['tsx', 'checked'],
    ['js', 'checked'],
    ['ts run', 'run'],
    ['jsx run', 'run'],
    ['sh', 'skipped'],
    ['text', 'skipped'],
    ['java', 'skipped'],
    ['', 'unmarked'],
    ['rust', 'unknown'],
    ['TS', 'checked'],
  ])('```%s is %s', (info, kind) => {
    expect(kindOf(only(md(`\`\`\`${info}`, 'x', '```')))).toBe(kind)
  })

  it('reads file= as the block file name, and refuses one that leaves the example', () => {
    expect(only(md('```tsx file=app/page.tsx', 'x', '```')).fileName).toBe('app/page.tsx')
    expect(() => extractBlocks('docs/example.md', md('```ts file=../escape.ts', 'x', '```'))).toThrow('docs/example.md:1: file=../escape.ts')
    expect(() => extractBlocks('docs/example.md', md('```ts file=notes.txt', 'x', '```'))).toThrow('.ts, .tsx, .js or .jsx')
  })
})

describe('recipes (a tested app\'s own file, scripts/recipes.mjs)', () => {
  it('skips a block right under <!-- recipe: … -->: its app compiles it, and test/recipes.test.ts compares it', () => {
    const block = only(md('<!-- recipe: framework-tests/vite-app/src/main.tsx -->', '```tsx', 'x', '```'))
    expect([block.recipe, kindOf(block)]).toEqual(['framework-tests/vite-app/src/main.tsx', 'skipped'])
  })

  it('checks a block with the comment further up, or with another comment', () => {
    expect(kindOf(only(md('<!-- recipe: framework-tests/a.ts -->', '', '```ts', 'x', '```')))).toBe('checked')
    expect(kindOf(only(md('<!-- a note -->', '```ts', 'x', '```')))).toBe('checked')
  })

  it('still needs a language', () => {
    expect(kindOf(only(md('<!-- recipe: framework-tests/a.ts -->', '```', 'x', '```')))).toBe('unmarked')
  })
})

describe('fences', () => {
  it('records the opening line and the text between the fences', () => {
    const blocks = extractBlocks('README.md', md('# Title', '', '```ts', 'const a = 1', '', 'const b = 2', '```', 'prose', '~~~sh', 'npm test', '~~~'))
    expect(blocks.map(({ line, language, code }) => ({ line, language, code }))).toEqual([
      { line: 3, language: 'ts', code: 'const a = 1\n\nconst b = 2' },
      { line: 9, language: 'sh', code: 'npm test' },
    ])
  })

  it('keeps a shorter fence inside a longer one as text', () => {
    const block = only(md('````md', '```ts', 'inner', '```', '````'))
    expect(block.language).toBe('md')
    expect(block.code).toBe('```ts\ninner\n```')
  })

  it('removes the indentation of a block inside a list item', () => {
    expect(only(md('- step', '  ```ts', '  const a = 1', '    nested()', '  ```')).code).toBe('const a = 1\n  nested()')
  })

  it('fails on a block that is never closed, naming its line', () => {
    expect(() => extractBlocks('docs/example.md', md('text', '```ts', 'const a = 1'))).toThrow('docs/example.md:2: a code block opened here is never closed')
  })
})

describe('hidden preludes', () => {
  it('takes the comment right above the fence, with the line its code starts on', () => {
    const block = only(md('Intro', '<!-- prelude', "import { a } from 'fincode-secure'", 'const b = 2', '-->', '```ts', 'a(b)', '```'))
    expect(block.prelude).toBe("import { a } from 'fincode-secure'\nconst b = 2")
    expect(block.preludeLine).toBe(3)
  })

  it('accepts a one-line prelude', () => {
    const block = only(md('<!-- prelude declare const pin: string -->', '```ts', 'pin', '```'))
    expect(block.prelude).toBe('declare const pin: string')
    expect(block.preludeLine).toBe(1)
  })

  it('ignores a comment that is not a prelude, or one separated from the fence by a blank line', () => {
    expect(only(md('<!-- a note -->', '```ts', 'x', '```')).prelude).toBe('')
    expect(only(md('<!-- prelude', 'const a = 1', '-->', '', '```ts', 'x', '```')).prelude).toBe('')
  })

  it("never takes an earlier block's prelude", () => {
    const blocks = extractBlocks('docs/example.md', md('<!-- prelude', 'const a = 1', '-->', '```ts', 'a', '```', '<!-- a note -->', '```ts', 'b', '```'))
    expect(blocks.map((block) => block.prelude)).toEqual(['const a = 1', ''])
  })

  it('points errors in the prelude at the comment, and errors in the block at the Markdown line', () => {
    const block = only(md('<!-- prelude', 'const a = 1', 'const b = 2', '-->', '```ts', 'first', 'second', '```'))
    const written = { block, kind: kindOf(block), path: '', preludeLines: 2 }
    expect(sourceLine(written, 1)).toBe('docs/example.md:3 (prelude)')
    expect(sourceLine(written, 2)).toBe('docs/example.md:6')
    expect(sourceLine(written, 3)).toBe('docs/example.md:7')
  })
})
