import { keyRotatedResponse, readEncryptedFields } from 'fincode-secure/server'
import { fincode, publicKey } from '../../../lib/fincode'

export async function POST(request: Request): Promise<Response> {
  // Refuses (ERR_PAYLOAD_INVALID, naming the field) anything that is not a ciphertext of the current key.
  const read = await readEncryptedFields(await request.json(), {
    fields: { currentPin: 'userPin', newPin: 'transactionPin', newPinAgain: 'confirmation.transactionPin' },
    publicKey,
  })
  if (!read.ok) return Response.json(read.answer, { status: 409 }) // KEY_ROTATED: the page encrypts again
  try {
    return Response.json(await fincode.post('/services/change-pin', read.body, { fields: [] })) // already encrypted
  } catch (error) {
    // Rotated after the check: the same 409. FinCode refusing the key this server serves: KEY_STALE and a log line.
    const rotated = await keyRotatedResponse(error, { fingerprint: read.fingerprint, publicKey })
    if (rotated) return rotated
    throw error
  }
}
