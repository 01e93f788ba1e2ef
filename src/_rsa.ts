// Where n and e sit in an RSA SubjectPublicKeyInfo, for the java-default
// scheme's own BigInt RSA operation. The core never needs them (WebCrypto
// reports the modulus size), so this walk stays out of the core's bundle.
import { readChildren, readTlv, type Tlv } from './_der.js'

/**
 * The modulus and public exponent INTEGERs of an SPKI that `importPublicKey` has
 * already accepted: SEQUENCE { AlgorithmIdentifier, BIT STRING }, the BIT STRING
 * holding one "unused bits" byte (0), then RSAPublicKey ::= SEQUENCE { n INTEGER, e INTEGER }.
 */
export function spkiRsaInts(der: Uint8Array): { n: Tlv; e: Tlv } | undefined {
  const top = readTlv(der, 0, der.length)
  const bits = top?.tag === 0x30 && top.end === der.length ? readChildren(der, top)?.[1] : undefined
  const rsa = bits?.tag === 0x03 && der[bits.start] === 0 ? readTlv(der, bits.start + 1, bits.end) : undefined
  const ints = rsa && rsa.tag === 0x30 && rsa.end === bits!.end ? readChildren(der, rsa) : undefined
  const [n, e] = ints?.length === 2 ? ints : []
  return n?.tag === 0x02 && e?.tag === 0x02 ? { n, e } : undefined
}
