// Where n and e sit in an RSA SubjectPublicKeyInfo. Shared by the key checks
// (which need the modulus size) and the java-default scheme (which needs both
// numbers for its BigInt RSA operation), so the DER layout is walked in one place.
import { readChildren, readTlv, type Tlv } from './_der.js'

/**
 * The modulus and public exponent INTEGERs inside an SPKI's subjectPublicKey
 * BIT STRING: one "unused bits" byte (0), then
 * RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
 */
export function rsaPublicKeyInts(der: Uint8Array, bitString: Tlv): { n: Tlv; e: Tlv } | undefined {
  const rsa = der[bitString.start] === 0 ? readTlv(der, bitString.start + 1, bitString.end) : undefined
  const ints = rsa && rsa.tag === 0x30 && rsa.end === bitString.end ? readChildren(der, rsa) : undefined
  const [n, e] = ints?.length === 2 ? ints : []
  return n?.tag === 0x02 && e?.tag === 0x02 ? { n, e } : undefined
}

/** n and e of an SPKI that `importPublicKey` has already accepted (SEQUENCE { AlgorithmIdentifier, BIT STRING }). */
export function spkiRsaInts(der: Uint8Array): { n: Tlv; e: Tlv } | undefined {
  const top = readTlv(der, 0, der.length)
  const bitString = top?.tag === 0x30 && top.end === der.length ? readChildren(der, top)?.[1] : undefined
  return bitString?.tag === 0x03 ? rsaPublicKeyInts(der, bitString) : undefined
}
