// The app's server side, on the web's Request and Response (Node, Hono, a
// Worker, a Vite middleware adapter…): it hands the page the public key, and
// forwards the page's ciphertexts to FinCode with the API token.
import { createFincodeClient, isFincodeApiError, type FincodeClient } from 'fincode-secure/server'

export interface ApiEnv {
  FINCODE_BASE_URL: string
  FINCODE_API_TOKEN: string
  FINCODE_PUBLIC_KEY: string
  FINCODE_UUID: string
}

// RSA-2048 OAEP: 256 bytes, 344 characters of standard Base64. Anything else may be a plaintext: refuse it.
const CIPHERTEXT = /^[A-Za-z0-9+/]{342}==$/

export function createApi(env: ApiEnv): (request: Request) => Promise<Response | undefined> {
  const fincode: FincodeClient = createFincodeClient({
    baseUrl: env.FINCODE_BASE_URL,
    token: () => env.FINCODE_API_TOKEN,
    publicKey: env.FINCODE_PUBLIC_KEY,
    uuid: env.FINCODE_UUID,
  })

  return async (request) => {
    const { pathname } = new URL(request.url)
    if (pathname === '/api/fincode-key' && request.method === 'GET') {
      return Response.json({ publicKey: env.FINCODE_PUBLIC_KEY }, { headers: { 'Cache-Control': 'no-cache' } })
    }
    if (pathname === '/api/transfer' && request.method === 'POST') {
      const body = (await request.json().catch(() => null)) as { recipient?: unknown; amount?: unknown; transactionPin?: unknown } | null
      if (typeof body?.transactionPin !== 'string' || !CIPHERTEXT.test(body.transactionPin)) {
        return Response.json({ error: { code: 'FIELD_INVALID', message: 'transactionPin is not a ciphertext.' } }, { status: 400 })
      }
      try {
        // The page encrypted the PIN: forward it as it is (`fields: []`).
        const answer = await fincode.post('/services/verify-fields', { recipient: body.recipient, amount: body.amount, transactionPin: body.transactionPin }, { fields: [] })
        return Response.json(answer)
      } catch (error) {
        if (isFincodeApiError(error)) return Response.json({ error: { code: error.serverCode ?? 'API_ERROR' } }, { status: 502 })
        throw error
      }
    }
    return undefined
  }
}
