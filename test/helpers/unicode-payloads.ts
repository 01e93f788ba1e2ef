// Seeded random Unicode payloads of exact UTF-8 byte lengths, so that a failing
// case can be rebuilt from its seed and index.

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Code points by UTF-8 width. Surrogates (D800–DFFF) are not scalar values and never occur.
const WIDTHS: [width: number, from: number, to: number][] = [
  [1, 0x00, 0x7f], // ASCII, control characters and NUL included
  [2, 0x80, 0x7ff], // Latin-1 supplement (ü, é), Greek, Cyrillic, Hebrew, Arabic…
  [3, 0x800, 0xffff], // CJK, €, U+FEFF, U+FFFD, U+FFFF
  [4, 0x10000, 0x10ffff], // emoji and the supplementary planes
]

/** A string of random code points whose UTF-8 encoding is exactly `bytes` long. */
export function unicodeOfBytes(random: () => number, bytes: number): string {
  let text = ''
  for (let left = bytes; left > 0; ) {
    const fitting = WIDTHS.filter(([width]) => width <= left)
    const [width, from, to] = fitting[Math.floor(random() * fitting.length)]!
    let codePoint = from + Math.floor(random() * (to - from + 1))
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) codePoint -= 0x800 // stay 3 bytes wide, off the surrogates
    text += String.fromCodePoint(codePoint)
    left -= width
  }
  return text
}

/**
 * `count` payloads for a key that takes `maxBytes`: first 0, 1 and maxBytes
 * bytes, then every length from 0 to maxBytes in turn, round and round.
 */
export function payloadsUpTo(maxBytes: number, count: number, seed: number): string[] {
  const random = seededRandom(seed)
  const lengths = [0, 1, maxBytes]
  while (lengths.length < count) lengths.push((lengths.length - 3) % (maxBytes + 1))
  return lengths.map((length) => unicodeOfBytes(random, length))
}
