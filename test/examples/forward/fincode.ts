// One key source and one client for the key endpoint and the forwarding code (docs/key-rotation.md).
import { createFincodeClient } from 'fincode-secure/server'

/**
 * The organisation key, read where your deployment keeps it, on every call: after a rotation
 * the operator updates FINCODE_PUBLIC_KEY and the next request uses the new key, no restart.
 */
export const publicKey = (): string => process.env.FINCODE_PUBLIC_KEY ?? ''

export const fincode = createFincodeClient({
  baseUrl: process.env.FINCODE_API_URL!, // https://{your domain}.fincode.software/api/v6
  token: () => process.env.FINCODE_API_TOKEN ?? '',
  publicKey,
  uuid: process.env.FINCODE_UUID!,
})
