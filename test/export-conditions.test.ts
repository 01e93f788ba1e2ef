// The server entries are kept out of browsers by the package's `exports` map:
// under the `browser` condition `fincode-secure/server` and `fincode-secure/sandbox`
// lead to a stub that exports none of their names and throws when loaded. These
// tests build a stray import the way an app's bundler would (esbuild, Vite 8) and
// check what reaches the output. The real apps (Next.js, Vite + React) are in
// test/frameworks.test.ts. `npm test` builds dist/ first.
import { build as esbuild } from 'esbuild'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build as viteBuild, type Rollup } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isFincodeSecureError } from '../src/errors.js'

const root = new URL('../', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

// The header only the API-token client sends: its presence in a bundle means the client shipped.
const CLIENT_MARKER = 'X-Auth-Token'
const SERVER_SIDE = ['workerd', 'worker', 'edge-light', 'react-server', 'deno', 'bun', 'node']

let app: string
beforeAll(() => {
  // An app whose node_modules/fincode-secure is this package: imports go through "exports".
  app = mkdtempSync(join(tmpdir(), 'fincode-conditions-'))
  mkdirSync(join(app, 'node_modules'))
  symlinkSync(root, join(app, 'node_modules', 'fincode-secure'), 'dir')
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'stray-import', private: true, type: 'module' }))
})
afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true })
})

function source(name: string, code: string): string {
  const path = join(app, name)
  writeFileSync(path, code)
  return path
}

async function bundleWithEsbuild(code: string, options: { platform: 'browser' | 'neutral' | 'node'; conditions?: string[] }) {
  const result = await esbuild({
    stdin: { contents: code, resolveDir: app, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    logLevel: 'silent',
    ...options,
  })
  return result.outputFiles[0]!.text
}

async function buildWithVite(entry: string): Promise<string> {
  const output = (await viteBuild({
    root: app,
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: true, rollupOptions: { input: entry } },
  })) as Rollup.RolldownOutput
  return output.output.map((chunk) => (chunk.type === 'chunk' ? chunk.code : String(chunk.source))).join('\n')
}

describe('the exports map', () => {
  it.each(['./server', './sandbox'])('%s lists the server-side conditions, then browser, then default', (entry) => {
    expect(Object.keys(pkg.exports[entry])).toEqual(['types', ...SERVER_SIDE, 'browser', 'default'])
    expect(pkg.exports[entry].browser).toBe(`./dist/${entry.slice(2)}/browser.js`)
  })

  it('sends Workers and Edge runtimes to the real client, and to a Node-only notice for the sandbox', () => {
    for (const condition of ['workerd', 'worker', 'edge-light']) {
      expect(pkg.exports['./server'][condition]).toBe('./dist/server/index.js')
      expect(pkg.exports['./sandbox'][condition]).toBe('./dist/sandbox/edge.js')
    }
  })

  it('marks exactly the stubs as having side effects: throwing on load is what they are for', () => {
    expect(pkg.sideEffects).toEqual(['./dist/server/browser.js', './dist/sandbox/browser.js', './dist/sandbox/edge.js'])
  })
})

describe('the stubs, if loaded, throw a typed error with the reason and the fix', () => {
  it.each([
    ['server/browser.js', 'ERR_TOKEN_IN_BROWSER', /API token[\s\S]*only from server code[\s\S]*dangerously-allow-browser/],
    ['sandbox/browser.js', 'ERR_TOKEN_IN_BROWSER', /private keys and API tokens[\s\S]*Node only/],
    ['sandbox/edge.js', 'ERR_RUNTIME_UNSUPPORTED', /Node only[\s\S]*NEXT_RUNTIME === "nodejs"/],
  ])('dist/%s → %s', async (file, code, message) => {
    const error = await import(join(root, 'dist', file)).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isFincodeSecureError(error)).toBe(true)
    expect((error as { code: string }).code).toBe(code)
    expect((error as Error).message).toMatch(message)
  })
})

describe('esbuild, platform "browser" (it always adds the browser condition)', () => {
  it('fails the build on a stray named import of fincode-secure/server', async () => {
    await expect(
      bundleWithEsbuild(`import { createFincodeClient } from 'fincode-secure/server'\nexport { createFincodeClient }`, { platform: 'browser' }),
    ).rejects.toThrow(/No matching export in "[^"]*dist\/server\/browser\.js" for import "createFincodeClient"/)
  })

  it('bundles no client for a namespace import, and the bundle throws ERR_TOKEN_IN_BROWSER', async () => {
    const code = await bundleWithEsbuild(`import * as server from 'fincode-secure/server'\nglobalThis.server = server`, { platform: 'browser' })
    expect(code).not.toContain(CLIENT_MARKER)
    expect(code).toContain('ERR_TOKEN_IN_BROWSER')
  })

  it('fails the build on a stray named import of fincode-secure/sandbox', async () => {
    await expect(bundleWithEsbuild(`import { startSandbox } from 'fincode-secure/sandbox'\nexport { startSandbox }`, { platform: 'browser' })).rejects.toThrow(
      /No matching export in "[^"]*dist\/sandbox\/browser\.js" for import "startSandbox"/,
    )
  })

  it('bundles the real client from fincode-secure/server/dangerously-allow-browser', async () => {
    const code = await bundleWithEsbuild(`export { createFincodeClient } from 'fincode-secure/server/dangerously-allow-browser'`, { platform: 'browser' })
    expect(code).toContain(CLIENT_MARKER)
    // The runtime check stays: the option is still required in a page.
    expect(code).toContain('dangerouslyAllowBrowser')
  })

  it.each([
    ['workerd', ['workerd', 'worker']],
    ['edge-light', ['edge-light', 'worker']],
  ])('with the %s conditions (as wrangler and Next.js set them) bundles the real client', async (_name, conditions) => {
    const code = await bundleWithEsbuild(`export { createFincodeClient } from 'fincode-secure/server'`, { platform: 'browser', conditions })
    expect(code).toContain(CLIENT_MARKER)
  })

  it.each([
    ['workerd', ['workerd', 'worker']],
    ['edge-light', ['edge-light', 'worker']],
  ])('with the %s conditions resolves fincode-secure/sandbox to the Node-only notice', async (_name, conditions) => {
    const code = await bundleWithEsbuild(`import * as sandbox from 'fincode-secure/sandbox'\nglobalThis.sandbox = sandbox`, { platform: 'browser', conditions })
    expect(code).toContain('ERR_RUNTIME_UNSUPPORTED')
    expect(code).not.toMatch(/from "node:http"/)
  })

  it('platform "node" gets the real client and the real sandbox', async () => {
    const code = await bundleWithEsbuild(`export { createFincodeClient } from 'fincode-secure/server'\nexport { startSandbox } from 'fincode-secure/sandbox'`, {
      platform: 'node',
    })
    expect(code).toContain(CLIENT_MARKER)
    expect(code).toMatch(/from "node:http"/)
  })
})

describe('Vite 8 (Rolldown), client build', () => {
  it('fails the build at the importing line of a stray fincode-secure/server import', async () => {
    const entry = source('stray.js', `import { createFincodeClient } from 'fincode-secure/server'\nexport const client = () => createFincodeClient({})\n`)
    await expect(buildWithVite(entry)).rejects.toThrow(/MISSING_EXPORT[\s\S]*"createFincodeClient" is not exported by "[^"]*dist\/server\/browser\.js"/)
  }, 60_000)

  it('ships no client for a namespace import of fincode-secure/server', async () => {
    const entry = source('namespace.js', `import * as server from 'fincode-secure/server'\nconsole.log(server)\n`)
    const code = await buildWithVite(entry)
    expect(code).not.toContain(CLIENT_MARKER)
    expect(code).toContain('ERR_TOKEN_IN_BROWSER')
  }, 60_000)

  it('builds the core with the explicit browser subpath (control)', async () => {
    const entry = source(
      'control.js',
      `import { encryptPayload } from 'fincode-secure'\nimport { createFincodeClient } from 'fincode-secure/server/dangerously-allow-browser'\nconsole.log(encryptPayload, createFincodeClient)\n`,
    )
    const code = await buildWithVite(entry)
    expect(code).toContain(CLIENT_MARKER)
    expect(code).toContain('RSA-OAEP')
  }, 60_000)
})
