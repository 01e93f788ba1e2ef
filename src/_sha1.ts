// SHA-1 (FIPS 180-4 §6.1) for MGF1 in the java-default scheme. In JavaScript
// rather than crypto.subtle.digest because MGF1 needs one digest per 20 bytes of
// mask (14 at 2048 bits, 25 at 4096), and each WebCrypto call costs ~10 µs of
// main-thread time in Chromium and ~20 µs in Node before it even runs: the 12
// calls of one mask blocked Chromium for ~130 µs and left the scheme barely
// faster than node-forge in Node (measured with bench/java-default.mjs; numbers
// in docs/readme-java-default.md). MGF1 needs no collision resistance, the
// property SHA-1 lost; OAEP's proof treats it as a random function. Checked
// against node:crypto and the FIPS 180 examples in test/java-default-internals.test.ts.

const INITIAL = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0]

// Message schedule, shared by all calls and zeroed after each: it is derived from the OAEP seed.
const w = new Int32Array(80)

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n))

/** One compression: folds the 64-byte block at `offset` into `state` (five words). */
function compress(state: Int32Array, block: DataView, offset: number): void {
  for (let t = 0; t < 16; t++) w[t] = block.getInt32(offset + 4 * t)
  for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!, 1)
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  let e = state[4]!
  let next: number
  // Four loops of 20 rounds: the round function depends on the round number, never on data.
  for (let t = 0; t < 20; t++) {
    next = (rotl(a, 5) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]!) | 0
    e = d; d = c; c = rotl(b, 30); b = a; a = next
  }
  for (let t = 20; t < 40; t++) {
    next = (rotl(a, 5) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]!) | 0
    e = d; d = c; c = rotl(b, 30); b = a; a = next
  }
  for (let t = 40; t < 60; t++) {
    next = (rotl(a, 5) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[t]!) | 0
    e = d; d = c; c = rotl(b, 30); b = a; a = next
  }
  for (let t = 60; t < 80; t++) {
    next = (rotl(a, 5) + (b ^ c ^ d) + e + 0xca62c1d6 + w[t]!) | 0
    e = d; d = c; c = rotl(b, 30); b = a; a = next
  }
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
  state[4] = (state[4]! + e) | 0
}

/** `message` followed by SHA-1's padding: 0x80, zeros, the length in bits as 64-bit big-endian. */
function pad(message: Uint8Array, length: number): Uint8Array {
  const padded = new Uint8Array((((length + 8) >>> 6) + 1) * 64)
  padded.set(message)
  padded[length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 4, length * 8) // exact below 512 MiB
  view.setUint32(padded.length - 8, Math.floor(length / 0x20000000))
  return padded
}

function writeState(state: Int32Array, out: Uint8Array, offset: number): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, 20)
  for (let i = 0; i < 5; i++) view.setInt32(4 * i, state[i]!)
}

/** SHA-1 of `message` (shorter than 512 MiB), as 20 bytes. */
export function sha1(message: Uint8Array): Uint8Array {
  const padded = pad(message, message.length)
  const view = new DataView(padded.buffer)
  const state = Int32Array.from(INITIAL)
  for (let offset = 0; offset < padded.length; offset += 64) compress(state, view, offset)
  const digest = new Uint8Array(20)
  writeState(state, digest, 0)
  padded.fill(0)
  state.fill(0)
  w.fill(0)
  return digest
}

/**
 * MGF1 with SHA-1 (RFC 8017 B.2.1): SHA-1(seed ‖ counter) for counter = 0, 1, …
 * Returns whole blocks, `length` bytes or up to 19 more, so that the caller's
 * fill(0) wipes all of it; the caller uses the first `length`.
 */
export function mgf1Sha1(seed: Uint8Array, length: number): Uint8Array {
  const padded = pad(seed, seed.length + 4)
  const view = new DataView(padded.buffer)
  // The 64-byte blocks before the counter are the same for every counter: hash them once.
  const shared = Math.floor(seed.length / 64) * 64
  const prefix = Int32Array.from(INITIAL)
  for (let offset = 0; offset < shared; offset += 64) compress(prefix, view, offset)
  const state = new Int32Array(5)
  const mask = new Uint8Array(Math.ceil(length / 20) * 20)
  for (let counter = 0; counter * 20 < length; counter++) {
    view.setUint32(seed.length, counter)
    state.set(prefix)
    for (let offset = shared; offset < padded.length; offset += 64) compress(state, view, offset)
    writeState(state, mask, counter * 20)
  }
  padded.fill(0)
  prefix.fill(0)
  state.fill(0)
  w.fill(0)
  return mask
}
