// fincode-secure/server uses fetch and WebCrypto only. Proof short of running
// Deno, Bun and workerd (the runtimes suite does that): the entry bundles for a
// platform with no Node built-ins, and the bundle works in a bare JavaScript
// context that has nothing but web globals.
import { createContext, runInContext } from 'node:vm'
import { build } from 'esbuild'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

let sandbox: TestSandbox
let bundle: string
beforeAll(async () => {
  sandbox = await startTestSandbox()
  const result = await build({
    entryPoints: ['src/server/index.ts'],
    bundle: true,
    write: false,
    platform: 'neutral',
    format: 'iife',
    globalName: 'FincodeServer',
    target: 'es2022',
    logLevel: 'silent',
  })
  bundle = result.outputFiles[0]!.text
})
afterAll(() => sandbox?.dispose())

test('the bundle has no Node built-in and no require', () => {
  expect(bundle).not.toMatch(/\bnode:|\brequire\(|\bprocess\.|\bBuffer\b/)
})

test('in a context with only web globals, a request goes out encrypted and the sandbox decrypts it', async () => {
  const { token } = await sandbox.createToken('portable')
  const web = { crypto, fetch, Request, Response, Headers, URL, TextEncoder, TextDecoder, AbortController, AbortSignal, setTimeout, clearTimeout, atob, btoa, structuredClone }
  const context = createContext({ ...web, options: { baseUrl: sandbox.apiUrl, token, publicKey: sandbox.currentKey().publicKey, uuid: 'edge' } })
  runInContext(bundle, context)
  const answer = await runInContext(
    `FincodeServer.createFincodeClient(options).post('/services/verify-fields', { transactionPin: '0707' })`,
    context,
  )
  expect(JSON.parse(JSON.stringify(answer))).toEqual({ fields: [expect.objectContaining({ field: 'transactionPin', decrypted: true, variant: 'RSA-OAEP-256' })] })
  expect(runInContext('typeof process + typeof require + typeof Buffer', context)).toBe('undefinedundefinedundefined')
})
