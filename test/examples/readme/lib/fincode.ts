import { createFincodeClient } from 'fincode-secure/server'

// One key source for the key endpoint, the checks and the client, read on every call:
// after a rotation the operator updates FINCODE_PUBLIC_KEY, and no process needs a restart.
export const publicKey = () => process.env.FINCODE_PUBLIC_KEY ?? ''

export const fincode = createFincodeClient({
  baseUrl: process.env.FINCODE_API_URL!, // https://{your domain}.fincode.software/api/v6
  token: () => process.env.FINCODE_API_TOKEN ?? '',
  publicKey,
  uuid: process.env.FINCODE_UUID!,
})
