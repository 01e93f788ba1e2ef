// Hand-made SPKI "PUBLIC KEY"s with a chosen RSA public exponent, for the keys
// no tool will generate (exponent 1, even exponents) but WebCrypto would import.
import { createPublicKey } from 'node:crypto'

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

const tlv = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), length(content.length), content])

/** A DER INTEGER holding the unsigned big-endian `bytes` (a 0x00 is prepended when the top bit is set). */
function integer(bytes: Buffer): Buffer {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  const minimal = bytes.subarray(start)
  return tlv(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal)
}

const RSA_ALGORITHM = Buffer.from('300d06092a864886f70d0101010500', 'hex')

/** Base64 SPKI with the modulus of `publicKeyBase64` and the public exponent `exponent`. */
export function spkiWithExponent(publicKeyBase64: string, exponent: number): string {
  const jwk = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' }).export({ format: 'jwk' })
  const modulus = Buffer.from(jwk.n!, 'base64url')
  const e = Buffer.alloc(8)
  e.writeBigUInt64BE(BigInt(exponent))
  const rsaPublicKey = tlv(0x30, Buffer.concat([integer(modulus), integer(e)]))
  const bitString = tlv(0x03, Buffer.concat([Buffer.from([0]), rsaPublicKey]))
  return tlv(0x30, Buffer.concat([RSA_ALGORITHM, bitString])).toString('base64')
}
