import { beforeAll, describe, expect, it } from 'vitest'
import { bundle, type Bundle } from './helpers/bundle.js'

// Budgets from the packaging issue: what an app pays, minified and gzip -9,
// for importing only what it uses. `npm test` builds dist/ first.
describe('bundle size', () => {
  let encryptOnly: Bundle
  let wholeCore: Bundle
  let react: Bundle
  let oneHook: Bundle
  let dom: Bundle
  let keyRotated: Bundle
  let keyProvider: Bundle

  beforeAll(async () => {
    encryptOnly = await bundle(`export { encryptPayload } from 'fincode-secure'`)
    wholeCore = await bundle(`export * from 'fincode-secure'`)
    // The hooks and <EncryptedInput>; the key provider (issue 15) has its own budget below.
    react = await bundle(`export { useEncryptedField, useEncryptedFields, EncryptedInput, FincodeSecureError, isFincodeSecureError } from 'fincode-secure/react'`, ['react', 'react-dom'])
    keyProvider = await bundle(`export * from 'fincode-secure/react'`, ['react', 'react-dom'])
    oneHook = await bundle(`export { useEncryptedField } from 'fincode-secure/react'`, ['react', 'react-dom'])
    dom = await bundle(`export { encryptForm } from 'fincode-secure/dom'`)
    keyRotated = await bundle(`export { readKeyRotated, isKeyRotatedAnswer } from 'fincode-secure'`)
  })

  // 2,048 until the hardening issue: its key checks (exponent, size bound, quotes and
  // escaped line breaks, the stray character named) moved the budget to 2,304.
  it('encryptPayload alone costs at most 2,304 bytes', () => {
    expect(encryptOnly.gzipBytes).toBeLessThanOrEqual(2304)
  })

  // Issue 11: what an app pays for one encrypted field, the forms controller and the core included,
  // React excluded. Measured 5,102 when set; met by what the code does, not by how it is spelled.
  it('import { useEncryptedField } from fincode-secure/react costs at most 5,120 bytes', () => {
    expect(oneHook.code).toMatch(/from\s*"react"/) // React stays an import, not bundled in
    expect(oneHook.gzipBytes).toBeLessThanOrEqual(5120)
  })

  it('the whole React entry (hooks and <EncryptedInput>) stays within 5,888 bytes (a guard against growth)', () => {
    expect(react.code).toMatch(/from\s*"react"/)
    expect(react.gzipBytes).toBeLessThanOrEqual(5888)
  })

  // Issue 14 asks for at most 4,096 bytes. NOT MET yet: the core alone is ~2,040 and the forms
  // controller with the DOM binding ~2,800 (measured 4,865 in all). This guard keeps it from
  // growing until the gap is closed (see the forms helper's report); it is not the budget.
  it('import { encryptForm } from fincode-secure/dom stays within 4,928 bytes (issue budget 4,096: not met)', () => {
    expect(dom.code).not.toMatch(/react/i)
    expect(dom.gzipBytes).toBeLessThanOrEqual(4928)
  })

  // The page's half of the rotated-key answer (docs/key-rotation.md): measured 574 bytes,
  // FincodeSecureError included; most of it is the two messages a page may show.
  it('readKeyRotated and isKeyRotatedAnswer cost at most 640 bytes, and stay out of encryptPayload', () => {
    expect(keyRotated.gzipBytes).toBeLessThanOrEqual(640)
    expect(encryptOnly.code).not.toContain('KEY_ROTATED')
  })

  // The provider carries the page's key source: fetching, checking what the endpoint serves, refreshing.
  it('<FincodeKeyProvider> and useFincodeKey add at most 1,664 bytes to the hooks', () => {
    expect(keyProvider.gzipBytes - react.gzipBytes).toBeLessThanOrEqual(1664)
  })

  it('the core pulls in neither React nor the java-default scheme', () => {
    for (const { code } of [encryptOnly, wholeCore]) {
      expect(code).not.toMatch(/react/i)
      expect(code).not.toContain('RSA-OAEP-256-MGF1-SHA1')
      // No BigInt arithmetic (the java-default scheme's RSA step); the core only names
      // BigInt to refuse one in a body, which JSON cannot carry.
      expect(code).not.toMatch(/\bBigInt\(/)
    }
  })
})
