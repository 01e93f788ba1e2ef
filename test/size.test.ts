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

  // Issue 11 asks for at most 5,120 bytes for one encrypted field, the forms controller and the core
  // included, React excluded. NOT MET: the core's hardening (issue 12) took it to 5,303, and the hooks'
  // own recovery from a rotated key (issue 15.4: the provider's key, reading the rotated-key answer from
  // a 409 Response or a Server Action's object, the one retry, its messages for a stale server key, a
  // second rotation and a fixed key that cannot be refreshed) adds ~1,430: measured 6,734. This guard
  // keeps it from growing; it is not the budget (gap ~1,610 bytes, stated in the wiring report).
  it('import { useEncryptedField } from fincode-secure/react stays within 6,752 bytes (issue budget 5,120: not met, gap ~1,610)', () => {
    expect(oneHook.code).toMatch(/from\s*"react"/) // React stays an import, not bundled in
    expect(oneHook.gzipBytes).toBeLessThanOrEqual(6752)
  })

  // Measured 7,306 with the recovery of issue 15.4 (5,924 without it).
  it('the whole React entry (hooks and <EncryptedInput>) stays within 7,312 bytes (a guard against growth)', () => {
    expect(react.code).toMatch(/from\s*"react"/)
    expect(react.gzipBytes).toBeLessThanOrEqual(7312)
  })

  // Issue 14 asks for at most 4,096 bytes. NOT MET: the core is ~2,270 since its hardening, the forms
  // controller with the DOM binding ~2,800 (5,045 before issue 15.4), and submit(fn)'s recovery from a
  // rotated key with the keySource option add ~1,290: measured 6,332. This guard keeps it from growing;
  // it is not the budget (gap ~2,240 bytes).
  it('import { encryptForm } from fincode-secure/dom stays within 6,336 bytes (issue budget 4,096: not met, gap ~2,240)', () => {
    expect(dom.code).not.toMatch(/react/i)
    expect(dom.gzipBytes).toBeLessThanOrEqual(6336)
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
