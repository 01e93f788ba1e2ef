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
  const secret = text.replace(/\r?\n$/, '')
  const control = secret.search(CONTROL)
  if (control !== -1) {
    throw new FincodeSecureError(
      'ERR_PAYLOAD_INVALID',
      `Standard input holds a control character at position ${control + 1} (an escape sequence, a tab, a line break inside the secret): it would be encrypted into the secret. Pipe the secret alone.`,
    )
  }
  return secret
}

/** C0 controls, DEL and C1 controls: never part of a PIN or password someone typed. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Raw mode: keys arrive one by one and the terminal shows nothing. Enter ends,
 * Backspace deletes, Ctrl+C cancels. Arrow, function and editing keys arrive
 * as escape sequences (ESC [ D for ←); they are dropped whole, never encrypted,
 * as is any other control character. A sequence may be split across reads.
 */
function readHidden(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  // Raw mode first: anything typed once the prompt is visible is already unechoed.
  input.setRawMode(true)
  prompt.write('Secret (input hidden): ')
  input.setEncoding('utf8')
  input.resume()
  let chars: string[] = []
  let escape = new EscapeSequence()
  return new Promise<string>((resolve, reject) => {
    const finish = (error?: Error) => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      prompt.write('\n')
      const value = chars.join('')
      chars = []
      escape = new EscapeSequence()
      if (error) reject(error)
      else resolve(value)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (escape.swallows(ch)) continue
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish()
        if (ch === '\u0003') return finish(new FincodeSecureError('ERR_PAYLOAD_INVALID', 'Cancelled (Ctrl+C); nothing was encrypted.'))
        if (ch === '\u007f' || ch === '\b') chars.pop()
        else if (!CONTROL.test(ch)) chars.push(ch)
      }
    }
    input.on('data', onData)
  })
}

/**
 * Recognises ECMA-48 sequences: ESC [ params final (CSI: arrows, Home, Delete,
 * bracketed-paste markers), ESC O x (SS3: arrows in application mode, F1–F4),
 * ESC and one character (Alt+key), and the 8-bit CSI (U+009B).
 */
class EscapeSequence {
  private state: 'none' | 'escape' | 'csi' | 'ss3' = 'none'

  /** True when `ch` starts, continues or ends a sequence (and is then not part of the secret). */
  swallows(ch: string): boolean {
    switch (this.state) {
      case 'none':
        if (ch === '\u001b') this.state = 'escape'
        else if (ch === '\u009b') this.state = 'csi'
        else return false
        return true
      case 'escape':
      case 'ss3':
        // A control key after ESC (Alt+Enter) keeps its meaning.
        if (ch < ' ') {
          this.state = 'none'
          return false
        }
        this.state = this.state === 'escape' && ch === '[' ? 'csi' : this.state === 'escape' && ch === 'O' ? 'ss3' : 'none'
        return true
      case 'csi':
        // Parameter and intermediate bytes are 0x20–0x3f; a final byte (0x40–0x7e) ends the sequence.
        if (ch >= ' ' && ch <= '?') return true
        this.state = 'none'
        return ch >= '@' && ch <= '~'
    }
  }
}
