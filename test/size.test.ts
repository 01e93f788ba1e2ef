import { beforeAll, describe, expect, it } from 'vitest'
import { bundle, type Bundle } from './helpers/bundle.js'

// Budgets from the packaging issue: what an app pays, minified and gzip -9,
// for importing only what it uses. `npm test` builds dist/ first.
describe('bundle size', () => {
  let encryptOnly: Bundle
  let wholeCore: Bundle
  let react: Bundle

  beforeAll(async () => {
    encryptOnly = await bundle(`export { encryptPayload } from 'fincode-secure'`)
    wholeCore = await bundle(`export * from 'fincode-secure'`)
    react = await bundle(`export * from 'fincode-secure/react'`, ['react', 'react-dom'])
  })

  it('encryptPayload alone costs at most 2,048 bytes', () => {
    expect(encryptOnly.gzipBytes).toBeLessThanOrEqual(2048)
  })

  it('fincode-secure/react costs at most 3,072 bytes, React excluded', () => {
    expect(react.gzipBytes).toBeLessThanOrEqual(3072)
  })

  it('the core pulls in neither React nor the java-default scheme', () => {
    for (const { code } of [encryptOnly, wholeCore]) {
      expect(code).not.toMatch(/react/i)
      expect(code).not.toContain('RSA-OAEP-256-MGF1-SHA1')
      expect(code).not.toMatch(/BigInt/)
    }
  })
})
