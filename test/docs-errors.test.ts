// docs/errors.md is the errors reference: every code of the library's unions in
// src/errors.ts has a row (code, when, what to do), and every row is a real code.
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const source = readFileSync('src/errors.ts', 'utf8')
const doc = readFileSync('docs/errors.md', 'utf8')

/** The string literals of every `export type …ErrorCode = 'ERR_…' | …` union in src/errors.ts. */
function unionCodes(): string[] {
  const unions = [...source.matchAll(/export type \w+ErrorCode\s*=([^]*?)(?=\n(?:export|\/\*\*|$))/g)].map((m) => m[1]!)
  return [...new Set(unions.flatMap((union) => [...union.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1]!)))].sort()
}

/** Table rows whose first cell is a code: `| \`ERR_…\` | when | what to do |`. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>()
  for (const line of doc.split('\n')) {
    const row = /^\| `(ERR_[A-Z_]+)` \|(.*)\|\s*$/.exec(line)
    if (row) rows.set(row[1]!, row[2]!.split(' | ').map((cell) => cell.trim()))
  }
  return rows
}

it('reads the unions of src/errors.ts', () => {
  expect(unionCodes()).toEqual(expect.arrayContaining(['ERR_KEY_INVALID', 'ERR_TOKEN_REJECTED', 'ERR_VALUE_INVALID']))
  expect(unionCodes().length).toBeGreaterThan(20)
})

it('has a row for every code, saying when it happens and what to do', () => {
  const rows = documentedRows()
  const missing = unionCodes().filter((code) => !rows.has(code))
  expect(missing, 'add a row `| `CODE` | when | what to do |` to docs/errors.md').toEqual([])
  for (const code of unionCodes()) {
    const [when, todo] = rows.get(code)!
    expect(when?.length, `${code}: when`).toBeGreaterThan(10)
    expect(todo?.length, `${code}: what to do`).toBeGreaterThan(10)
  }
})

it('documents no code the library does not have', () => {
  expect([...documentedRows().keys()].filter((code) => !unionCodes().includes(code))).toEqual([])
})
