// Source is written for readers; a minifier does the golfing (issue 11.9). The
// size budgets in size.test.ts are met by what the code does, so spelling
// tricks have no reason to be in src/.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** The code without comments, string contents and regex literals, where '==' in Base64 or prose is fine. */
function code(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, '""')
    .replace(/([=(,:]\s*)\/(?:[^/\\\n[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+\/[a-z]*/g, '$1/x/')
}

const GOLF: [RegExp, string][] = [
  [/[^=!<>]==[^=]/, 'loose equality (==)'],
  [/!=[^=]/, 'loose inequality (!=)'],
  [/![01]\b/, '!0 / !1 for booleans'],
  [/\/\^\[[a-z]+\]\/\.test\(typeof/, 'a regex over typeof'],
]

test.each(sourceFiles('src'))('%s is written for readers', (file) => {
  const text = code(readFileSync(file, 'utf8'))
  for (const [pattern, what] of GOLF) expect(pattern.test(text), `${file}: ${what}`).toBe(false)
})

test('the check itself finds golfed code', () => {
  const golfed = code("const padded = /^[A-Z]{2}==$/; if (a == b && c != d) return !0 // '==' in a comment is fine")
  expect(GOLF.filter(([pattern]) => pattern.test(golfed)).map(([, what]) => what)).toEqual(['loose equality (==)', 'loose inequality (!=)', '!0 / !1 for booleans'])
})
