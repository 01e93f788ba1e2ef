import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { MAX_KEY_TEXT } from '../_limits.js'
import { FincodeSecureError } from '../errors.js'

const SAVE_KEY = "save the dashboard's public key (Settings → API Connections → Encryption Keys) to a file and pass that"

function refuse(message: string, cause?: unknown): never {
  throw new FincodeSecureError('ERR_KEY_INVALID', message, cause === undefined ? undefined : { cause })
}

/**
 * The text of --key-file. Opened without blocking and checked before reading:
 * a FIFO or a terminal would wait forever for a key that never comes, and a
 * large file cannot be a key (MAX_KEY_TEXT, as importPublicKey enforces).
 */
async function readKeyFile(path: string): Promise<string> {
  let file
  try {
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (cause) {
    refuse(`--key-file ${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'}); ${SAVE_KEY}.`, cause)
  }
  try {
    const info = await file.stat()
    if (!info.isFile()) {
      refuse(`--key-file ${path} is not a regular file (a directory, a FIFO or a device); ${SAVE_KEY}.`)
    }
    if (info.size > MAX_KEY_TEXT) {
      refuse(`--key-file ${path} is ${info.size} bytes, over the ${MAX_KEY_TEXT} a key file may have (a 4096-bit PEM has about 800); ${SAVE_KEY}.`)
    }
    return await file.readFile('utf8')
  } finally {
    await file.close()
  }
}

/** The key text from --key-file, else FINCODE_PUBLIC_KEY. importPublicKey does the checking. */
export async function readKeyText(keyFile: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (keyFile !== undefined) return readKeyFile(keyFile)
  const text = env['FINCODE_PUBLIC_KEY']
  if (text === undefined || text.trim() === '') {
    throw new FincodeSecureError(
      'ERR_KEY_INVALID',
      'No public key: pass --key-file FILE or set FINCODE_PUBLIC_KEY to the key from Settings → API Connections → Encryption Keys.',
    )
  }
  return text
}
