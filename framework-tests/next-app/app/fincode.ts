import { createFincodeClient, type FincodeClient } from 'fincode-secure/server'

// Server-only by construction: in a client component this import resolves to
// fincode-secure/server's browser stub and the build fails.
// Created on first use, not at import: `next build` loads this module without the environment.
let client: FincodeClient | undefined

export function fincode(): FincodeClient {
  client ??= createFincodeClient({
    baseUrl: process.env.FINCODE_BASE_URL, // the sandbox's apiUrl; in production `domain: 'acme'` instead
    token: () => process.env.FINCODE_API_TOKEN ?? '', // read on every request: a rotated token needs no restart
    publicKey: () => process.env.FINCODE_PUBLIC_KEY ?? '',
    uuid: process.env.FINCODE_UUID ?? 'next-app',
  })
  return client
}
