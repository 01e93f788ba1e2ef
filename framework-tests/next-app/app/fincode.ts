import { createFincodeClient, type FincodeClient } from 'fincode-secure/server'

// Server-only by construction: in a client component this import resolves to
// fincode-secure/server's browser stub and the build fails.

/**
 * The organisation's public key, read on every call: the key route serves it,
 * the Server Action checks the page's fingerprint against it, and the client
 * uses it. After a rotation, update FINCODE_PUBLIC_KEY (docs/key-rotation.md).
 */
export const publicKey = (): string => process.env.FINCODE_PUBLIC_KEY ?? ''

// Created on first use, not at import: `next build` loads this module without the environment.
let client: FincodeClient | undefined

export function fincode(): FincodeClient {
  client ??= createFincodeClient({
    baseUrl: process.env.FINCODE_BASE_URL, // the sandbox's apiUrl; in production `domain: 'acme'` instead
    token: () => process.env.FINCODE_API_TOKEN ?? '', // read on every request: a rotated token needs no restart
    publicKey,
    uuid: process.env.FINCODE_UUID ?? 'next-app',
  })
  return client
}
