import { readFile } from 'node:fs/promises'
import { FincodeSecureError } from '../errors.js'

/** The key text from --key-file, else FINCODE_PUBLIC_KEY. importPublicKey does the checking. */
export async function readKeyText(keyFile: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (keyFile !== undefined) {
    try {
      return await readFile(keyFile, 'utf8')
    } catch (cause) {
      throw new FincodeSecureError('ERR_KEY_INVALID', `--key-file ${keyFile} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'}); save the dashboard's public key to that file.`, { cause })
    }
  }
  const text = env['FINCODE_PUBLIC_KEY']
  if (text === undefined || text.trim() === '') {
    throw new FincodeSecureError(
      'ERR_KEY_INVALID',
      'No public key: pass --key-file FILE or set FINCODE_PUBLIC_KEY to the key from Settings → API Connections → Encryption Keys.',
    )
  }
  return text
}
