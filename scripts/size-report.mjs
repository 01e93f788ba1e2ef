// Where the bytes of each size budget (test/size.test.ts) go, module by module.
//
//   npm run build && node scripts/size-report.mjs [hook|react|dom|encrypt|keyRotated]…
//
// Bundles each entry as test/helpers/bundle.ts does (esbuild, minified, ESM,
// through the package "exports"), then attributes the minified output to its
// source modules with the source map. A module's "gzip" is what it adds to the
// gzip -9 size of the output up to its end: gzip reuses earlier text, so this is
// its marginal cost in that bundle, and the column sums to the bundle's size.
// Text a bundle already holds (a repeated phrase) costs little; code costs most.
import { build } from 'esbuild'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const ENTRIES = {
  encrypt: [`export { encryptPayload } from 'fincode-secure'`, []],
  hook: [`export { useEncryptedField } from 'fincode-secure/react'`, ['react', 'react-dom']],
  react: [`export { useEncryptedField, useEncryptedFields, EncryptedInput, FincodeSecureError, isFincodeSecureError } from 'fincode-secure/react'`, ['react', 'react-dom']],
  dom: [`export { encryptForm } from 'fincode-secure/dom'`, []],
  keyRotated: [`export { readKeyRotated, isKeyRotatedAnswer } from 'fincode-secure'`, []],
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** For each generated line, its segments as [column, source index or -1]. */
function decodeMappings(mappings) {
  let source = 0
  return mappings.split(';').map((line) => {
    let column = 0
    return line
      .split(',')
      .filter(Boolean)
      .map((segment) => {
        const values = []
        let shift = 0
        let value = 0
        for (const character of segment) {
          const digit = BASE64.indexOf(character)
          value += (digit & 31) << shift
          if (digit & 32) {
            shift += 5
          } else {
            values.push(value & 1 ? -(value >>> 1) : value >>> 1)
            value = 0
            shift = 0
          }
        }
        column += values[0]
        if (values.length > 1) source += values[1]
        return [column, values.length > 1 ? source : -1]
      })
  })
}

const gzipBytes = (text) => gzipSync(text, { level: 9 }).length

const app = mkdtempSync(join(tmpdir(), 'fincode-size-report-'))
mkdirSync(join(app, 'node_modules'))
symlinkSync(new URL('..', import.meta.url).pathname, join(app, 'node_modules', 'fincode-secure'), 'dir')
try {
  const names = process.argv.slice(2)
  for (const name of names.length ? names : Object.keys(ENTRIES)) {
    if (!ENTRIES[name]) throw new Error(`unknown entry ${name}; one of ${Object.keys(ENTRIES).join(', ')}`)
    const [contents, external] = ENTRIES[name]
    const result = await build({
      stdin: { contents, resolveDir: app, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      external,
      logLevel: 'silent',
      sourcemap: 'external',
      outfile: join(app, 'out.js'),
    })
    const code = result.outputFiles.find((file) => file.path.endsWith('.js')).text
    const map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith('.map')).text)
    // Each output character's source; characters no mapping covers go with the one before.
    const owner = new Int32Array(code.length).fill(-1)
    let offset = 0
    decodeMappings(map.mappings).forEach((segments, index) => {
      const line = code.split('\n')[index] ?? ''
      segments.forEach(([column, source], i) => owner.fill(source, offset + column, offset + (segments[i + 1]?.[0] ?? line.length)))
      offset += line.length + 1
    })
    for (let i = 1; i < owner.length; i++) if (owner[i] === -1) owner[i] = owner[i - 1]
    const rows = new Map()
    let before = 0
    for (let start = 0, end = 1; end <= code.length; end++) {
      if (end < code.length && owner[end] === owner[start]) continue
      const size = gzipBytes(code.slice(0, end))
      const module = (map.sources[owner[start]] ?? '(glue)').replace(/^.*?\/dist\//, '')
      const row = rows.get(module) ?? { gzip: 0, minified: 0 }
      row.gzip += size - before
      row.minified += end - start
      rows.set(module, row)
      before = size
      start = end
    }
    console.log(`\n${name}: ${gzipBytes(code)} bytes gzip -9 (${code.length} minified)`)
    for (const [module, { gzip, minified }] of [...rows].sort((a, b) => b[1].gzip - a[1].gzip)) {
      console.log(`  ${String(gzip).padStart(6)}  ${String(minified).padStart(6)}  ${module}`)
    }
  }
} finally {
  rmSync(app, { recursive: true, force: true })
}
