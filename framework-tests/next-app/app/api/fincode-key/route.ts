// The organisation's public key, for the page to encrypt with.
export const dynamic = 'force-dynamic'

export function GET(): Response {
  const publicKey = process.env.FINCODE_PUBLIC_KEY
  if (!publicKey) return Response.json({ error: { code: 'KEY_MISSING', message: 'FINCODE_PUBLIC_KEY is not set on the server.' } }, { status: 503 })
  return Response.json({ publicKey }, { headers: { 'Cache-Control': 'no-cache' } })
}
