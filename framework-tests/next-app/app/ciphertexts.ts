// Reads the form's ciphertexts and maps them to the API's field paths.
const FIELDS = {
  currentPin: 'userPin',
  newPin: 'transactionPin',
  newPinConfirmation: 'confirmation.transactionPin',
} as const

// RSA-2048 OAEP: 256 bytes, 344 characters of standard Base64. Anything else may be a plaintext: refuse it.
const CIPHERTEXT = /^[A-Za-z0-9+/]{342}==$/

export function readCiphertexts(formData: FormData): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [name, path] of Object.entries(FIELDS)) {
    const value = formData.get(name)
    if (typeof value !== 'string' || !CIPHERTEXT.test(value)) throw new Error(`The form field ${name} is not a ciphertext.`)
    const [head, tail] = path.split('.') as [string, string | undefined]
    if (tail === undefined) body[head] = value
    else body[head] = { ...(body[head] as object | undefined), [tail]: value }
  }
  return body
}
