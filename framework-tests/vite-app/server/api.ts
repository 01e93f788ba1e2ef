// The app's server side, on the web's Request and Response (Node, Hono, a
// Worker, a Vite middleware adapter…): it hands the page the public key, and
// forwards the page's ciphertexts to FinCode with the API token.
import {
  createFincodeClient,
  createPublicKeyHandler,
  isFincodeApiError,
  isFincodeSecureError,
  keyRotatedResponse,
  readEncryptedFields,
  type FincodeClient,
  type ReadEncryptedFieldsResult,
} from 'fincode-secure/server'

/** Read on every request, never copied: a value that changes (a reloaded secret, a rotated key) applies to the next request. */
export interface ApiEnv {
  FINCODE_BASE_URL: string
  FINCODE_API_TOKEN: string
  FINCODE_PUBLIC_KEY: string
  FINCODE_UUID: string
}

export function createApi(env: ApiEnv): (request: Request) => Promise<Response | undefined> {
  // One key source for the key route, the check of what the page sends, and the client.
  const publicKey = () => env.FINCODE_PUBLIC_KEY
  const fincodeKey = createPublicKeyHandler(publicKey)
  const fincode: FincodeClient = createFincodeClient({
    baseUrl: env.FINCODE_BASE_URL,
    token: () => env.FINCODE_API_TOKEN,
    publicKey,
    uuid: env.FINCODE_UUID,
  })

  return async (request) => {
    const { pathname } = new URL(request.url)
    if (pathname === '/api/fincode-key') return fincodeKey(request)
    if (pathname === '/api/transfer' && request.method === 'POST') {
      const body = (await request.json().catch(() => null)) as { recipient?: unknown; amount?: unknown } | null
      // The PIN must be a ciphertext of the current key, sent with that key's fingerprint.
      let read: ReadEncryptedFieldsResult
      try {
        read = await readEncryptedFields(body ?? {}, { fields: { transactionPin: 'transactionPin' }, publicKey })
      } catch (error) {
        // ERR_PAYLOAD_INVALID names the field and never echoes its value: safe to answer.
        if (isFincodeSecureError(error) && error.code === 'ERR_PAYLOAD_INVALID') return Response.json({ error: { code: 'FIELD_INVALID', message: error.message } }, { status: 400 })
        throw error
      }
      // Encrypted with a key that is no longer current: 409 KEY_ROTATED, which the page reads with readKeyRotated.
      if (!read.ok) return Response.json(read.answer, { status: 409 })
      try {
        // The page encrypted the PIN: forward it as it is (`fields: []`).
        const answer = await fincode.post('/services/verify-fields', { recipient: body?.recipient, amount: body?.amount, ...read.body }, { fields: [] })
        return Response.json(answer)
      } catch (error) {
        const rotated = await keyRotatedResponse(error, { fingerprint: read.fingerprint, publicKey })
        if (rotated) return rotated
        if (isFincodeApiError(error)) return Response.json({ error: { code: error.serverCode ?? 'API_ERROR' } }, { status: 502 })
        throw error
      }
    }
    return undefined
  }
}
