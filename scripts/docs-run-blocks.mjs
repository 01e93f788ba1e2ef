#!/usr/bin/env node
// Runs the documentation's `run` blocks (see CONTRIBUTING.md, "Code blocks in
// the docs"), already transpiled to .mjs by test/helpers/doc-blocks.ts. Reads
// `[{ path, name }]` as JSON on standard input, starts one sandbox in a
// temporary directory, imports each block in order with the sandbox in the
// globals `docSandbox` and `docToken` (declared in test/helpers/doc-blocks.ts), and prints
// one line `DOC_BLOCKS [{ ok, error?, ms }]`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const BLOCK_TIMEOUT_MS = 20_000
const modules = JSON.parse(readFileSync(0, 'utf8'))

const { startSandbox } = await import('fincode-secure/sandbox')
const dataDir = mkdtempSync(join(tmpdir(), 'fincode-doc-blocks-'))
const sandbox = await startSandbox({ port: 0, dataDir })
const { token } = await sandbox.createToken('doc-blocks', '24h')
globalThis.docSandbox = sandbox
globalThis.docToken = token
// Relative paths in a block (a sandbox's dataDir, a file it writes) land in a scratch directory.
const workDir = mkdtempSync(join(tmpdir(), 'fincode-doc-blocks-cwd-'))
process.chdir(workDir)

// A promise a block forgot to await still fails that block.
let straying = null
process.on('unhandledRejection', (reason) => {
  straying ??= reason
})

const results = []
for (const { path, name } of modules) {
  straying = null
  const started = performance.now()
  let timer
  try {
    await Promise.race([
      import(pathToFileURL(path).href),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${BLOCK_TIMEOUT_MS} ms`)), BLOCK_TIMEOUT_MS)
      }),
    ])
    // Let a stray rejection surface before the block is called a success.
    await new Promise((resolve) => setTimeout(resolve, 10))
    if (straying) throw straying
    results.push({ ok: true, ms: Math.round(performance.now() - started) })
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}${error.code ? ` (code ${error.code})` : ''}` : String(error)
    results.push({ ok: false, error: `${name}: ${text}`, ms: Math.round(performance.now() - started) })
  } finally {
    clearTimeout(timer)
  }
}

await sandbox.close()
rmSync(dataDir, { recursive: true, force: true })
rmSync(workDir, { recursive: true, force: true })
console.log(`DOC_BLOCKS ${JSON.stringify(results)}`)
process.exit(0)
