// In the page, with the core alone: what a submission does with the rotated-key answer
// (docs/key-rotation.md). The forms bindings do this for you; this is the bare protocol.
import { encryptPayload, importPublicKey, readKeyRotated, type FincodePublicKey } from 'fincode-secure'

export async function loadKey(url: string): Promise<FincodePublicKey> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`the key endpoint answered ${response.status}`)
  return importPublicKey(((await response.json()) as { publicKey: string }).publicKey)
}

/**
 * Encrypts the values, posts them with the key's fingerprint, and when the answer is KEY_ROTATED
 * does it once more with the key the endpoint now serves. KEY_STALE, or a second refusal, is thrown.
 */
export async function submitEncrypted(values: Record<string, string>, post: (form: FormData) => Promise<unknown>, keyUrl: string): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    const key = await loadKey(keyUrl)
    const form = new FormData()
    for (const [name, value] of Object.entries(values)) form.set(name, await encryptPayload(value, key))
    form.set('fincodeKeyFingerprint', key.fingerprint)
    const result = await post(form)
    const refused = await readKeyRotated(result)
    if (!refused) return result
    if (refused.code === 'ERR_KEY_STALE' || attempt === 2) throw refused
  }
}
