// Just enough DER to tell what a key is before WebCrypto sees it: WebCrypto
// answers every wrong input with a bare DataError (empty message in Chromium),
// and users deserve to hear "that is a private key" or "that key is EC".

export interface Tlv {
  tag: number
  /** Offset of the first content byte. */
  start: number
  /** Offset just past the last content byte. */
  end: number
}

/** One tag-length-value at `pos`, ending at or before `limit`; undefined when malformed. */
export function readTlv(der: Uint8Array, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) return
  const tag = der[pos]!
  let length = der[pos + 1]!
  let start = pos + 2
  if (length > 0x7f) {
    // Long form. 0x80 (indefinite) is BER, not DER; no key needs more than 3 length bytes.
    const count = length & 0x7f
    if (count < 1 || count > 3 || start + count > limit) return
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + der[start++]!
  }
  const end = start + length
  return end <= limit ? { tag, start, end } : undefined
}

/** The elements of a constructed value, or undefined when they do not exactly fill it. */
export function readChildren(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const children: Tlv[] = []
  for (let pos = parent.start; pos < parent.end; ) {
    const child = readTlv(der, pos, parent.end)
    if (!child) return
    children.push(child)
    pos = child.end
  }
  return children
}
