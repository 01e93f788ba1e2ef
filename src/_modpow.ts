// The RSA public operation, m^e mod n, on BigInt, and the byte conversions
// around it. n and e are public and the sequence of squarings and
// multiplications follows the bits of e, so it reveals nothing; the *values*
// multiplied are derived from the padded message, and BigInt arithmetic is not
// constant-time: see docs/readme-java-default.md, "Security".
import { yieldToEventLoop } from './_yield.js'

/**
 * How many modular multiplications run between two yields. Their cost grows
 * with the square of the modulus size; one squaring mod n measured in Chromium
 * 156 on the 2-core development machine while it was heavily loaded: ~5 µs at
 * 2048 bits, ~12 µs at 3072, ~19 µs at 4096 (Node 20: ~8-13, ~12, ~20-30). A
 * budget of 16 units of (k/128)² keeps a slice near 20 µs there: 4
 * multiplications at 2048 bits, 1 at 3072 and 4096.
 */
export function opsPerSlice(modulusBytes: number): number {
  return Math.max(1, Math.floor(16 / (modulusBytes / 128) ** 2))
}

/** base^exponent mod modulus, left-to-right square-and-multiply, yielding to the event loop before every `slice` multiplications. */
export async function modPow(base: bigint, exponent: bigint, modulus: bigint, slice: number): Promise<bigint> {
  const bits = exponent.toString(2)
  let result = base
  // Start with a yield: the caller has just computed the seed mask and m, work
  // that must not share a task with the first multiplications.
  let done = slice
  for (let i = 1; i < bits.length; i++) {
    if (done === slice) {
      await yieldToEventLoop()
      done = 0
    }
    result = (result * result) % modulus
    done++
    if (bits[i] === '1') {
      if (done === slice) {
        await yieldToEventLoop()
        done = 0
      }
      result = (result * base) % modulus
      done++
    }
  }
  return result
}

/** Big-endian bytes → integer (RFC 8017 OS2IP), 8 bytes at a time. */
export function os2ip(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const head = bytes.length % 8
  let value = 0n
  for (let i = 0; i < head; i++) value = (value << 8n) | BigInt(bytes[i]!)
  for (let i = head; i < bytes.length; i += 8) value = (value << 64n) | view.getBigUint64(i)
  return value
}

/** Integer → big-endian bytes of exactly `length` (RFC 8017 I2OSP); the caller guarantees value < 256^length. */
export function i2osp(value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  const view = new DataView(bytes.buffer)
  let rest = value
  let i = length
  for (; i >= 8; i -= 8) {
    view.setBigUint64(i - 8, BigInt.asUintN(64, rest))
    rest >>= 64n
  }
  for (; i > 0; i--) {
    bytes[i - 1] = Number(rest & 0xffn)
    rest >>= 8n
  }
  return bytes
}
