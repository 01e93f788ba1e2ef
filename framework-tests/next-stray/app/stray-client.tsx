'use client'
// The mistake this app exists to make: the API-token client imported in a
// client component. test/frameworks.test.ts asserts that `next build` fails or
// that no emitted client file holds the client (X-Auth-Token) or the token.
// (A NEXT_PUBLIC_ variable would be inlined into the page whatever this
// library does: Next.js does that to every NEXT_PUBLIC_ variable a client file reads.)
import { createFincodeClient } from 'fincode-secure/server'

export function StrayClient() {
  const call = () =>
    createFincodeClient({
      baseUrl: 'http://127.0.0.1:8787/api/v6',
      token: process.env.FINCODE_API_TOKEN ?? '',
      publicKey: () => fetch('/api/fincode-key').then((response) => response.text()),
      uuid: 'stray',
    }).post('/services/verify-fields', {})
  return (
    <button type="button" onClick={call}>
      Call FinCode from the page
    </button>
  )
}
