// docs/key-rotation.md shows its recipes as copies of files under test/examples/, which
// other tests run; this keeps each copy identical to its file.
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'

const doc = readFileSync('docs/key-rotation.md', 'utf8')
// "file: `test/examples/…`" or "File: `test/examples/…`", then the next ```ts block
// (```ts file=… for the files that import each other, a prelude comment for Deno's and Bun's globals).
const recipes = [...doc.matchAll(/[Ff]ile: `(test\/examples\/[^`]+)`[^]*?```ts(?: file=[^\n]+)?\n([^]*?)\n```/g)].map((m) => [m[1]!, m[2]!] as const)

test('every recipe of the page names its file', () => {
  expect(recipes.map(([file]) => file)).toEqual([
    'test/examples/key-endpoint/next-route.ts',
    'test/examples/key-endpoint/hono.ts',
    'test/examples/key-endpoint/worker.ts',
    'test/examples/key-endpoint/deno-serve.ts',
    'test/examples/key-endpoint/bun-serve.ts',
    'test/examples/key-endpoint/node-http.ts',
    'test/examples/key-endpoint/express.ts',
    'test/examples/forward/fincode.ts',
    'test/examples/forward/change-pin-action.ts',
    'test/examples/forward/change-pin-route.ts',
    'test/examples/forward/page-reads-answer.ts',
  ])
})

test.each(recipes)('%s is shown exactly as it is', (file, block) => {
  expect(block).toBe(readFileSync(file, 'utf8').trimEnd())
})
