// Reads the secret for `encrypt`: from a pipe or file as is, or typed at a
// terminal with nothing echoed. Never from argv, which lands in shell history
// and in every user's `ps` output.
import { FincodeSecureError } from '../errors.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

export async function readSecret(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  const secret = input.isTTY ? await readHidden(input, prompt) : await readPiped(input)
  if (secret === '') {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', 'The secret is empty: pipe it in (printf %s "$PIN" | fincode-secure encrypt) or type it at the prompt.')
  }
  return secret
}

/** All of standard input; one trailing line break (echo's, or a file's last line) is not part of the secret. */
async function readPiped(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input as AsyncIterable<Buffer>) chunks.push(chunk)
  const bytes = Buffer.concat(chunks)
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new FincodeSecureError('ERR_PAYLOAD_INVALID', 'Standard input is not valid UTF-8; the server would decrypt other characters than the ones you meant.')
  } finally {
    bytes.fill(0)
  }
  return text.replace(/\r?\n$/, '')
}

/** Raw mode: keys arrive one by one and the terminal shows nothing. Enter ends, Backspace deletes, Ctrl+C cancels. */
function readHidden(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  // Raw mode first: anything typed once the prompt is visible is already unechoed.
  input.setRawMode(true)
  prompt.write('Secret (input hidden): ')
  input.setEncoding('utf8')
  input.resume()
  let chars: string[] = []
  return new Promise<string>((resolve, reject) => {
    const finish = (error?: Error) => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      prompt.write('\n')
      const value = chars.join('')
      chars = []
      if (error) reject(error)
      else resolve(value)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish()
        if (ch === '\u0003') return finish(new FincodeSecureError('ERR_PAYLOAD_INVALID', 'Cancelled (Ctrl+C); nothing was encrypted.'))
        if (ch === '\u007f' || ch === '\b') chars.pop()
        else if (ch >= ' ') chars.push(ch)
      }
    }
    input.on('data', onData)
  })
}
