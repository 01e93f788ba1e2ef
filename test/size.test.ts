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

  it('encryptPayload alone costs at most 2,048 bytes', () => {
    expect(encryptOnly.gzipBytes).toBeLessThanOrEqual(2048)
  })

  // Issue 11 asks for at most 5,120 bytes for one encrypted field, the forms controller and the core
  // included, React excluded (5,118 before issue 15). NOT MET since the hooks recover from a rotated key
  // by themselves (issue 15.4): reading the provider's key, the rotated-key answer (a 409 Response or a
  // Server Action's object), the one retry and its three messages (stale server key, rotated again, a
  // fixed key that cannot be refreshed) add ~1,330 bytes; measured 6,445. This guard keeps it from
  // growing; it is not the budget, and the gap (~1,330 bytes) is stated in the wiring report.
  it('import { useEncryptedField } from fincode-secure/react stays within 6,464 bytes (issue budget 5,120: not met, gap ~1,330 for key-rotation recovery)', () => {
    expect(oneHook.code).toMatch(/from\s*"react"/) // React stays an import, not bundled in
    expect(oneHook.gzipBytes).toBeLessThanOrEqual(6464)
  })

  // Measured 7,021 with the recovery of issue 15.4 (5,735 before).
  it('the whole React entry (hooks and <EncryptedInput>) stays within 7,040 bytes (a guard against growth)', () => {
    expect(react.code).toMatch(/from\s*"react"/)
    expect(react.gzipBytes).toBeLessThanOrEqual(7040)
  })

  // Issue 14 asks for at most 4,096 bytes. NOT MET: the core alone is ~2,040, the forms controller with
  // the DOM binding ~2,800 (4,865 before issue 15), and submit(fn)'s recovery from a rotated key and the
  // keySource option add ~1,180 (measured 6,046). This guard keeps it from growing; it is not the budget.
  it('import { encryptForm } from fincode-secure/dom stays within 6,048 bytes (issue budget 4,096: not met, gap ~1,950)', () => {
    expect(dom.code).not.toMatch(/react/i)
    expect(dom.gzipBytes).toBeLessThanOrEqual(6048)
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
      expect(code).not.toMatch(/BigInt/)
    }
  })
})
