// The building blocks of the java-default scheme, each against an independent
// reference: SHA-1 and MGF1 against node:crypto and FIPS 180's examples, the
// BigInt RSA step against a plain modPow, byte conversion round trips, and the
// yielding that keeps each main-thread step short.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { i2osp, modPow, opsPerSlice, os2ip } from '../src/_modpow.js'
import { mgf1Sha1, sha1 } from '../src/_sha1.js'
import { yieldToEventLoop } from '../src/_yield.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const nodeSha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex')

afterEach(() => vi.restoreAllMocks())

describe('sha1', () => {
  test('FIPS 180 examples', () => {
    const ascii = (s: string) => new TextEncoder().encode(s)
    expect(hex(sha1(ascii('')))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709')
    expect(hex(sha1(ascii('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    expect(hex(sha1(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1')
    expect(hex(sha1(ascii('a'.repeat(1_000_000))))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f')
  })

  test('equals node:crypto for every length from 0 to 300 bytes (all padding cases)', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 131 + length * 7) & 0xff)
      expect(hex(sha1(bytes)), `length ${length}`).toBe(nodeSha1(bytes))
    }
  })

  test('equals node:crypto on random inputs', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => hex(sha1(bytes)) === nodeSha1(bytes)))
  })
})

describe('mgf1Sha1 (RFC 8017 B.2.1)', () => {
  const reference = (seed: Uint8Array, length: number) => {
    let mask = ''
    for (let counter = 0; mask.length < 2 * length; counter++) {
      const c = Buffer.alloc(4)
      c.writeUInt32BE(counter)
      mask += createHash('sha1').update(seed).update(c).digest('hex')
    }
    return mask.slice(0, 2 * length)
  }

  test.each([
    [32, 223], // the DB mask of RSA-2048
    [223, 32], // its seed mask: 3 whole blocks of input before the counter
    [32, 479], // RSA-4096
    [479, 32],
    [64, 40], // a seed of exactly one block
    [0, 20],
    [5, 1],
  ])('seed of %i bytes, mask of %i bytes, equals SHA-1(seed ‖ counter) concatenated', (seedLength, length) => {
    const seed = new Uint8Array(seedLength).map((_, i) => (i * 37 + 11) & 0xff)
    const mask = mgf1Sha1(seed, length)
    expect(mask.length - length).toBeGreaterThanOrEqual(0)
    expect(mask.length - length).toBeLessThan(20)
    expect(hex(mask.subarray(0, length))).toBe(reference(seed, length))
  })

  test('random seeds and lengths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 520 }), fc.integer({ min: 1, max: 520 }), (seed, length) => hex(mgf1Sha1(seed, length).subarray(0, length)) === reference(seed, length)),
    )
  })
})

describe('os2ip / i2osp', () => {
  test('round trip at every length from 1 to 70 bytes, including leading zeros', () => {
    for (let length = 1; length <= 70; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 97 + length) & 0xff)
      bytes[0] = 0
      const value = os2ip(bytes)
      expect(value).toBe(BigInt('0x' + (hex(bytes) || '0')))
      expect(hex(i2osp(value, length))).toBe(hex(bytes))
    }
  })

  test('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 520 }), (bytes) => hex(i2osp(os2ip(bytes), bytes.length)) === hex(bytes)))
  })
})

describe('modPow', () => {
  const plain = (base: bigint, exponent: bigint, modulus: bigint) => {
    let result = 1n
    for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus) if (e & 1n) result = (result * b) % modulus
    return result
  }

  test('equals a right-to-left modPow for random operands, exponents and slice sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 3n, max: (1n << 600n) - 1n }).map((n) => n | 1n),
        fc.bigInt({ min: 0n, max: 1n << 600n }),
        fc.bigInt({ min: 1n, max: (1n << 70n) - 1n }),
        fc.integer({ min: 1, max: 20 }),
        async (n, m, e, slice) => (await modPow(m % n, e, n, slice)) === plain(m % n, e, n),
      ),
      { numRuns: 200 },
    )
  })

  test('e = 65537 costs 17 multiplications: with 4 a slice it yields 5 times, with 1 a slice 17 times', async () => {
    const spy = vi.spyOn(globalThis, 'setImmediate')
    await modPow(12345n, 65537n, (1n << 2047n) + 1n, 4)
    expect(spy).toHaveBeenCalledTimes(5)
    spy.mockClear()
    await modPow(12345n, 65537n, (1n << 2047n) + 1n, 1)
    expect(spy).toHaveBeenCalledTimes(17)
  })

  test('gives the event loop a turn: a macrotask queued after the call runs before it finishes', async () => {
    const order: string[] = []
    const done = modPow(7n, 65537n, (1n << 2047n) + 1n, 4).then(() => order.push('modPow'))
    setImmediate(() => order.push('other task'))
    await done
    expect(order).toEqual(['other task', 'modPow'])
  })

  test('slice sizes: 4 multiplications at 2048 bits, 1 at 3072 and 4096', () => {
    expect([256, 384, 512, 1024].map(opsPerSlice)).toEqual([4, 1, 1, 1])
  })
})

describe('yieldToEventLoop', () => {
  test('uses scheduler.yield where the runtime has it (Chromium)', async () => {
    const yieldFn = vi.fn(() => Promise.resolve())
    vi.stubGlobal('scheduler', { yield: yieldFn })
    try {
      await yieldToEventLoop()
    } finally {
      vi.unstubAllGlobals()
    }
    expect(yieldFn).toHaveBeenCalledOnce()
  })

  test('falls back to a MessageChannel message, and closes the port so a process can exit', async () => {
    vi.stubGlobal('setImmediate', undefined)
    const close = vi.spyOn(MessagePort.prototype, 'close')
    try {
      const order: string[] = []
      const yielded = yieldToEventLoop().then(() => order.push('yield'))
      Promise.resolve().then(() => order.push('microtask'))
      await yielded
      expect(order).toEqual(['microtask', 'yield'])
      expect(close).toHaveBeenCalled()
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
