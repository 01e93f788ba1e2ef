// Standard, padded Base64 (RFC 4648 §4): what FinCode's servers and Java's
// Base64.getDecoder() read. atob/btoa exist in every target runtime, and keys
// and ciphertexts are a few hundred bytes, so there is no faster path worth its size.

export function toBase64(bytes: Uint8Array): string {
  // apply() takes the typed array as the argument list directly; spreading it
  // (`...bytes`) runs the iterator protocol and cost 14 µs for a 2048-bit
  // ciphertext in Node 20 and 20–30 µs in Chromium (bench/, docs/benchmarks.md).
  return btoa(String.fromCharCode.apply(0, bytes as unknown as number[]))
}

/** Decodes Base64 whose alphabet and padding the caller has already checked. */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}
