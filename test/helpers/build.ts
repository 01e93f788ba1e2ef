// dist/ for tests that run the built package (the CLI): `npm test` builds first,
// so this only rebuilds for single runs, when dist is missing or older than src.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const CLI = join(process.cwd(), 'dist/cli/main.js')

export function ensureBuilt(): void {
  const newest = (d: string): number => Math.max(...readdirSync(d, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs)))
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest('src')) return
  for (const project of ['tsconfig.build.json', 'tsconfig.node.json']) {
    const built = spawnSync('npx', ['tsc', '-p', project], { encoding: 'utf8' })
    if (built.status !== 0) throw new Error(`build failed: ${built.stdout}${built.stderr}`)
  }
}
