// The same as a route handler taking JSON, for pages that post with fetch (docs/key-rotation.md):
// app/api/change-pin/route.ts in Next.js, or any fetch-style server.
import { keyRotatedResponse, readEncryptedFields } from 'fincode-secure/server'
import { fincode, publicKey } from './fincode.js'

export async function POST(request: Request): Promise<Response> {
  const read = await readEncryptedFields(await request.json(), {
    fields: { currentPin: 'userPin', newPin: 'transactionPin', newPinAgain: 'confirmation.transactionPin' },
    publicKey,
  })
  if (!read.ok) return Response.json(read.answer, { status: 409 })
  try {
    return Response.json(await fincode.post('/services/change-pin', read.body, { fields: [] }))
  } catch (error) {
    const response = await keyRotatedResponse(error, { fingerprint: read.fingerprint, publicKey })
    if (response) return response
    throw error
  }
}
