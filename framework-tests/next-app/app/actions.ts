'use server'
import { isFincodeApiError, keyRotatedAnswer, readEncryptedFields, type KeyRotatedAnswer } from 'fincode-secure/server'
import { fincode, publicKey } from './fincode'

export type ChangePinResult = { status: 'changed'; changedAt: string } | { status: 'refused'; message: string } | KeyRotatedAnswer

// A Server Action receives ciphertexts only and forwards them as they are
// (`fields: []`: encrypt nothing more). Answers go back as values: a Server
// Action cannot carry a custom error to the page.
export async function changePin(formData: FormData): Promise<ChangePinResult> {
  // Checks each ciphertext and the key fingerprint the page sent, and maps form names to API paths.
  const read = await readEncryptedFields(formData, {
    fields: { currentPin: 'userPin', newPin: 'transactionPin', newPinConfirmation: 'confirmation.transactionPin' },
    publicKey,
  })
  // Encrypted with a key that is no longer current: the page loads the new key, encrypts again and resubmits.
  if (!read.ok) return read.answer
  try {
    const answer = await fincode().post<{ changedAt: string }>('/services/change-pin', read.body, { fields: [] })
    return { status: 'changed', changedAt: answer.changedAt }
  } catch (error) {
    // FinCode refused the key: KEY_ROTATED if it changed after the check above, KEY_STALE
    // (and a log line) if FINCODE_PUBLIC_KEY itself is the retired key.
    const rotated = await keyRotatedAnswer(error, { fingerprint: read.fingerprint, publicKey })
    if (rotated) return rotated
    if (isFincodeApiError(error)) return { status: 'refused', message: `FinCode refused the change (${error.serverCode ?? error.status}).` }
    throw error
  }
}
