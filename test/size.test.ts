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
  // included, React excluded. NOT MET: measured 5,774 — the core ~2,130 (its hardening, issue 12, added
  // ~250), the forms controller ~2,630, the hook ~1,000 (the provider's key, issue 15.2). Recovery from a
  // rotated key is not in it: it comes with the key source (src/page/recovering-sources.ts). This guard
  // keeps it from growing; it is not the budget (gap ~650 bytes).
  it('import { useEncryptedField } from fincode-secure/react stays within 5,888 bytes (issue budget 5,120: not met, gap ~650)', () => {
    expect(oneHook.code).toMatch(/from\s*"react"/) // React stays an import, not bundled in
    expect(oneHook.gzipBytes).toBeLessThanOrEqual(5888)
  })

  // A form given a fixed key has nothing to refresh: the recovery (its messages, the rotated-key answer's
  // reader, the key source) stays out of its bundle; a provider brings it.
  it('a fixed-key form carries no recovery code; the provider brings it', () => {
    for (const { code } of [oneHook, react, dom]) {
      expect(code).not.toContain('rotated again while this form was sent')
      expect(code).not.toContain('was rotated while this form was open') // readKeyRotated's message
      expect(code).not.toContain('createFincodeKeySource: the key source must be')
    }
    expect(keyProvider.code).toContain('rotated again while this form was sent')
    expect(keyProvider.code).toContain('was rotated while this form was open')
  })

  // Measured 6,440 (7,306 while the recovery was in every form).
  it('the whole React entry (hooks and <EncryptedInput>) stays within 6,528 bytes (a guard against growth)', () => {
    expect(react.code).toMatch(/from\s*"react"/)
    expect(react.gzipBytes).toBeLessThanOrEqual(6528)
  })

  // Issue 14 asks for at most 4,096 bytes. NOT MET: measured 5,428 — the core ~2,230, the forms controller
  // ~2,460 (the same one as the hooks', as the issue asks), the DOM binding ~730. The controller alone is
  // more than the ~1,870 the budget leaves after the core. This guard keeps it from growing; it is not
  // the budget (gap ~1,330 bytes).
  it('import { encryptForm } from fincode-secure/dom stays within 5,504 bytes (issue budget 4,096: not met, gap ~1,330)', () => {
    expect(dom.code).not.toMatch(/react/i)
    expect(dom.gzipBytes).toBeLessThanOrEqual(5504)
  })

  // The page's half of the rotated-key answer (docs/key-rotation.md): measured 574 bytes,
  // FincodeSecureError included; most of it is the two messages a page may show.
  it('readKeyRotated and isKeyRotatedAnswer cost at most 640 bytes, and stay out of encryptPayload', () => {
    expect(keyRotated.gzipBytes).toBeLessThanOrEqual(640)
    expect(encryptOnly.code).not.toContain('KEY_ROTATED')
  })

  // The provider carries the page's key source (fetching, checking what the endpoint serves, refreshing)
  // and, since the forms no longer do, the recovery from a rotated key: measured 2,212 (1,664 before).
  it('<FincodeKeyProvider> and useFincodeKey, with the recovery, add at most 2,240 bytes to the hooks', () => {
    expect(keyProvider.gzipBytes - react.gzipBytes).toBeLessThanOrEqual(2240)
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
