// Standard, padded Base64 (RFC 4648 §4): what FinCode's servers and Java's
// Base64.getDecoder() read. Uses the native Uint8Array methods where present.

type Native = { toBase64?: () => string }
type NativeCtor = { fromBase64?: (s: string) => Uint8Array }

export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Native).toBase64
  if (native) return native.call(bytes)
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary)
}

/** Decodes strict standard Base64; the caller has already checked the alphabet and padding. */
export function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as NativeCtor).fromBase64
  if (native) return native(text)
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
