'use server'
import { isFincodeApiError } from 'fincode-secure/server'
import { readCiphertexts } from './ciphertexts'
import { fincode } from './fincode'

export type ChangePinState = { status: 'idle' } | { status: 'changed'; changedAt: string } | { status: 'refused'; message: string }

// A Server Action receives the ciphertexts only and forwards them as they are
// (`fields: []`: encrypt nothing more). Errors go back as values: a Server
// Action cannot carry a custom error to the page.
export async function changePin(_previous: ChangePinState, formData: FormData): Promise<ChangePinState> {
  const body = readCiphertexts(formData)
  try {
    const answer = await fincode().post<{ changedAt: string }>('/services/change-pin', body, { fields: [] })
    return { status: 'changed', changedAt: answer.changedAt }
  } catch (error) {
    if (isFincodeApiError(error)) return { status: 'refused', message: `FinCode refused the change (${error.serverCode ?? error.status}).` }
    throw error
  }
}
