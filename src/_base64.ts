// Standard, padded Base64 (RFC 4648 §4): what FinCode's servers and Java's
// Base64.getDecoder() read. atob/btoa exist in every target runtime, and keys
// and ciphertexts are a few hundred bytes, so there is no faster path worth its size.

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
}

/** Decodes Base64 whose alphabet and padding the caller has already checked. */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}
