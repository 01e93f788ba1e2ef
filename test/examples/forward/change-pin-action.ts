'use server'
// A Next.js Server Action that forwards the PINs a form encrypted in the page (docs/key-rotation.md).
import { keyRotatedAnswer, readEncryptedFields, type KeyRotatedAnswer } from 'fincode-secure/server'
import { fincode, publicKey } from './fincode.js'

export type ChangePinResult = { ok: true } | KeyRotatedAnswer

export async function changePin(form: FormData): Promise<ChangePinResult> {
  const read = await readEncryptedFields(form, {
    fields: { currentPin: 'userPin', newPin: 'transactionPin', newPinAgain: 'confirmation.transactionPin' },
    publicKey,
  })
  // The page encrypted with another key than the current one: it loads the key again, encrypts and resubmits.
  if (!read.ok) return read.answer
  try {
    await fincode.post('/services/change-pin', read.body, { fields: [] })
    return { ok: true }
  } catch (error) {
    // KEY_ROTATED if the key changed after the check above; KEY_STALE (and a log line) if
    // FinCode refused the very key publicKey() still gives: FINCODE_PUBLIC_KEY needs updating.
    const answer = await keyRotatedAnswer(error, { fingerprint: read.fingerprint, publicKey })
    if (answer) return answer
    throw error
  }
}
