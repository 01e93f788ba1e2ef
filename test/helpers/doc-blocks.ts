// The documentation's code blocks, read out of Markdown and checked the way a
// reader would use them: TypeScript and JavaScript are type-checked under
// `strict` against the built package (one compiler program for all of them),
// and blocks marked `run` are executed in Node against a sandbox.
// The convention is described in CONTRIBUTING.md ("Code blocks in the docs").
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'

export const ROOT = new URL('../../', import.meta.url).pathname

/** Languages whose blocks are compiled, and the extension each is compiled as. */
const CHECKED: Record<string, string> = { ts: '.ts', typescript: '.ts', tsx: '.tsx', js: '.js', javascript: '.js', jsx: '.jsx' }

/** Languages that are not programs for this checker: commands, output, other languages, data. */
export const SKIPPED_LANGUAGES = [
  // commands and what they print
  'sh', 'shell', 'bash', 'console', 'text',
  // other languages, markup and data
  'java', 'python', 'go', 'ruby', 'php', 'csharp', 'html', 'css', 'vue', 'svelte', 'json', 'jsonc', 'yaml', 'toml', 'ini', 'http', 'diff',
  // diagrams (GitHub draws them)
  'mermaid',
]

export interface DocBlock {
  /** The Markdown file, relative to the repository root, e.g. `docs/react.md`. */
  file: string
  /** 1-based line of the opening fence. */
  line: number
  /** The info string's first word (`ts`, `tsx`, `sh`, …), `''` when there is none. */
  language: string
  /** The info string's other words, e.g. `run`, `file=app/actions.ts`. */
  flags: string[]
  /**
   * `file=app/actions.ts`: the block is that file of an example that spans several blocks, so another block of the
   * same Markdown file can import it (`import { changePin } from './actions'`).
   */
  fileName: string | undefined
  /** The block's text, without the fences (indentation of a list item removed). */
  code: string
  /** A hidden prelude from an HTML comment `<!-- prelude … -->` right above the fence. */
  prelude: string
  /** 1-based line where the prelude's text starts. */
  preludeLine: number
  /**
   * `<!-- recipe: framework-tests/… -->` right above the fence: the block is that file of a tested app
   * (scripts/recipes.mjs), compiled with the app's own dependencies by test/frameworks.test.ts and compared
   * with the file by test/recipes.test.ts — not compiled again here, where those dependencies are not installed.
   */
  recipe: string | undefined
}

export type BlockKind = 'checked' | 'run' | 'skipped' | 'unmarked' | 'unknown'

export function kindOf(block: DocBlock): BlockKind {
  if (block.language === '') return 'unmarked'
  if (block.recipe !== undefined) return 'skipped'
  if (block.language in CHECKED) return block.flags.includes('run') ? 'run' : 'checked'
  if (SKIPPED_LANGUAGES.includes(block.language)) return 'skipped'
  return 'unknown'
}

export function blockName(block: DocBlock): string {
  return `${block.file}:${block.line}`
}

/** README.md and every docs/*.md, found afresh on each run. */
export function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...docs]
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/
const PRELUDE_START = /^\s*<!--\s*prelude\b(.*)$/
const RECIPE = /^<!-- recipe: (\S+) -->$/

export function extractBlocks(file: string, text = readFileSync(join(ROOT, file), 'utf8')): DocBlock[] {
  const lines = text.split(/\r?\n/)
  const blocks: DocBlock[] = []
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]!)
    if (!open) continue
    const [, indent, fence, info] = open as unknown as [string, string, string, string]
    const body: string[] = []
    let end = index + 1
    for (; end < lines.length; end++) {
      const line = lines[end]!
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line)
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart())
    }
    if (end === lines.length) throw new Error(`${file}:${index + 1}: a code block opened here is never closed`)
    const [language = '', ...flags] = info.trim().split(/\s+/).filter(Boolean)
    const fileName = flags.find((flag) => flag.startsWith('file='))?.slice('file='.length)
    if (fileName !== undefined && (!/^[\w./-]+\.[cm]?[jt]sx?$/.test(fileName) || fileName.split('/').includes('..') || fileName.startsWith('/'))) {
      throw new Error(`${file}:${index + 1}: file=${fileName} must be a relative path inside the example with a .ts, .tsx, .js or .jsx extension, e.g. file=app/actions.ts`)
    }
    blocks.push({ file, line: index + 1, language: language.toLowerCase(), flags, fileName, code: body.join('\n'), ...preludeAbove(lines, index), recipe: RECIPE.exec(lines[index - 1] ?? '')?.[1] })
    index = end
  }
  return blocks
}

/** The `<!-- prelude … -->` comment that ends on the line right above the fence, if any. */
function preludeAbove(lines: string[], fenceIndex: number): { prelude: string; preludeLine: number } {
  const last = fenceIndex - 1
  if (last < 0 || !/-->\s*$/.test(lines[last]!)) return { prelude: '', preludeLine: 0 }
  for (let start = last; start >= 0 && start > last - 40; start--) {
    const opening = PRELUDE_START.exec(lines[start]!)
    if (!opening) {
      // Another comment, or a block, ends the search: that comment is not this block's prelude.
      if (/<!--/.test(lines[start]!) || FENCE.test(lines[start]!)) break
      continue
    }
    const text = [opening[1]!.trimStart(), ...lines.slice(start + 1, last + 1)].join('\n').replace(/-->\s*$/, '')
    // The first line holds `<!-- prelude`; code starts on it only if something follows the word.
    const startsOnComment = opening[1]!.trim() !== ''
    const prelude = startsOnComment ? text : text.slice(text.indexOf('\n') + 1)
    return { prelude: prelude.replace(/\s+$/, ''), preludeLine: startsOnComment ? start + 1 : start + 2 }
  }
  return { prelude: '', preludeLine: 0 }
}

/** Where a block is written to disk: inside the repository, so `fincode-secure` resolves to this package. */
export const BLOCK_DIR = join(ROOT, 'test-results', 'doc-blocks')

/**
 * Globals a block's hidden prelude may use. `run` blocks get real values from
 * scripts/docs-run-blocks.mjs; checked-only blocks get only the types.
 */
const GLOBALS = `import type { Sandbox } from 'fincode-secure/sandbox'
declare global {
  /** A sandbox started once for all \`run\` blocks, in a temporary directory. */
  var docSandbox: Sandbox
  /** An active API token on \`docSandbox\`, for X-Auth-Token. */
  var docToken: string
}
`
const GLOBALS_PATH = join(BLOCK_DIR, 'globals.d.ts')

export interface WrittenBlock {
  block: DocBlock
  kind: BlockKind
  /** The compiled source file. */
  path: string
  /** Lines of prelude placed before the block's first line. */
  preludeLines: number
}

/** Each Markdown file's blocks get a directory of their own, so `file=` names cannot clash across files. */
function pathFor(block: DocBlock): string {
  const dir = join(BLOCK_DIR, block.file.replace(/[^A-Za-z0-9]+/g, '-'))
  return join(dir, block.fileName ?? `L${block.line}${CHECKED[block.language]}`)
}

export function writeBlocks(blocks: DocBlock[]): WrittenBlock[] {
  rmSync(BLOCK_DIR, { recursive: true, force: true })
  mkdirSync(BLOCK_DIR, { recursive: true })
  writeFileSync(GLOBALS_PATH, GLOBALS)
  return blocks
    .map((block) => ({ block, kind: kindOf(block) }))
    .filter(({ kind }) => kind === 'checked' || kind === 'run')
    .map(({ block, kind }) => {
      const path = pathFor(block)
      if (existsSync(path)) throw new Error(`${blockName(block)}: file=${block.fileName} is given to two blocks of ${block.file}`)
      mkdirSync(dirname(path), { recursive: true })
      const preludeLines = block.prelude ? block.prelude.split('\n').length : 0
      writeFileSync(path, `${block.prelude ? block.prelude + '\n' : ''}${block.code}\n`)
      return { block, kind, path, preludeLines }
    })
}

/**
 * Compiler options: the strictest the project uses, with the package resolved through its own `exports`.
 * Bundler resolution, as in a Vite or Next.js app: relative imports between `file=` blocks need no extension.
 */
export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  allowJs: true,
  checkJs: true,
  jsx: ts.JsxEmit.ReactJSX,
  skipLibCheck: true,
  noEmit: true,
}

/** Type-checks every written block in one program; returns each block's messages, `file:line: …`. */
export function typeCheck(written: WrittenBlock[]): Map<WrittenBlock, string[]> {
  const program = ts.createProgram([...written.map((w) => w.path), GLOBALS_PATH], COMPILER_OPTIONS)
  const byPath = new Map(written.map((w) => [w.path, w]))
  const messages = new Map<WrittenBlock, string[]>(written.map((w) => [w, []]))
  const unplaced: string[] = []
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    const owner = diagnostic.file && byPath.get(diagnostic.file.fileName)
    if (!owner || diagnostic.start === undefined) {
      unplaced.push(`${diagnostic.file ? relative(ROOT, diagnostic.file.fileName) + ': ' : ''}TS${diagnostic.code}: ${text}`)
      continue
    }
    const line = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start).line
    messages.get(owner)!.push(`${sourceLine(owner, line)}: TS${diagnostic.code}: ${text}`)
  }
  if (unplaced.length) throw new Error(`The doc blocks' program has errors outside any block:\n${unplaced.join('\n')}`)
  return messages
}

/** `file:line` in the Markdown for a 0-based line of the written block. */
export function sourceLine({ block, preludeLines }: WrittenBlock, line: number): string {
  if (line < preludeLines) return `${block.file}:${block.preludeLine + line} (prelude)`
  return `${block.file}:${block.line + 1 + line - preludeLines}`
}

export interface RunResult {
  ok: boolean
  /** The error's stack or message, with the block's file and line. */
  error?: string
  ms: number
}

/**
 * Runs the `run` blocks in order, in one Node process that starts one sandbox
 * (scripts/docs-run-blocks.mjs): TypeScript is only transpiled here, since
 * typeCheck() has checked it.
 */
export function runBlocks(written: WrittenBlock[], { timeoutMs = 120_000 } = {}): Map<WrittenBlock, RunResult> {
  const runnable = written.filter((w) => w.kind === 'run')
  const modules = runnable.map((w) => {
    const source = readFileSync(w.path, 'utf8')
    const output = ts.transpileModule(source, {
      fileName: w.path,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.ReactJSX, verbatimModuleSyntax: false },
    }).outputText
    const path = w.path.replace(/\.[jt]sx?$/, '.run.mjs')
    writeFileSync(path, output)
    return { path, name: blockName(w.block) }
  })
  if (!modules.length) return new Map()
  const child = spawnSync(process.execPath, [join(ROOT, 'scripts', 'docs-run-blocks.mjs')], {
    cwd: ROOT,
    input: JSON.stringify(modules),
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: '1' },
  })
  const report = /^DOC_BLOCKS (.+)$/m.exec(child.stdout ?? '')
  if (!report) {
    throw new Error(
      `scripts/docs-run-blocks.mjs gave no report (status ${child.status}, signal ${child.signal}).\n--- stdout ---\n${child.stdout}\n--- stderr ---\n${child.stderr}`,
    )
  }
  const results = JSON.parse(report[1]!) as RunResult[]
  return new Map(runnable.map((w, index) => [w, results[index]!]))
}
