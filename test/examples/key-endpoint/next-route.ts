// The key endpoint as a Next.js route handler: app/api/fincode-key/route.ts (docs/key-rotation.md).
// A GET route handler is dynamic (not prerendered) by default since Next.js 15, so the key is read
// on every request; Next.js answers other methods with 405 itself.
import { createPublicKeyHandler } from 'fincode-secure/server'

const fincodeKey = createPublicKeyHandler(() => process.env.FINCODE_PUBLIC_KEY ?? '')

export const GET = fincodeKey
export const HEAD = fincodeKey
