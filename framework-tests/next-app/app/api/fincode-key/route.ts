// The organisation's public key, for the page to encrypt with: GET and HEAD,
// with the key's fingerprint as ETag (docs/key-rotation.md).
import { createPublicKeyHandler } from 'fincode-secure/server'
import { publicKey } from '../../fincode'

// Read on every request, never prerendered: `next build` has no key, and a rotated one must be served at once.
export const dynamic = 'force-dynamic'

const fincodeKey = createPublicKeyHandler(publicKey)

export const GET = fincodeKey
export const HEAD = fincodeKey
