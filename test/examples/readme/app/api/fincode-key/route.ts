import { createPublicKeyHandler } from 'fincode-secure/server'
import { publicKey } from '../../../lib/fincode'

// GET → { publicKey, fingerprint, modulusLength } with an ETag: what the page loads.
export const GET = createPublicKeyHandler(publicKey)
