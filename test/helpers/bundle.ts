// Bundles a snippet against the built package the way an app's bundler would
// (esbuild, minified, ESM), and measures it as it would travel: gzip -9.
import { build } from 'esbuild'
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const root = new URL('../../', import.meta.url).pathname

// An app folder whose node_modules/fincode-secure is this package, so the
// bundler resolves imports through package.json "exports" as users get them.
let app: string | undefined
function appDir(): string {
  if (!app) {
    app = mkdtempSync(join(tmpdir(), 'fincode-size-'))
    mkdirSync(join(app, 'node_modules'))
    symlinkSync(root, join(app, 'node_modules', 'fincode-secure'), 'dir')
  }
  return app
}

export interface Bundle {
  code: string
  gzipBytes: number
}

export async function bundle(source: string, external: string[] = []): Promise<Bundle> {
  const result = await build({
    stdin: { contents: source, resolveDir: appDir(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.text
  return { code, gzipBytes: gzipSync(code, { level: 9 }).length }
}
