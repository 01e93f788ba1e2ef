#!/usr/bin/env node
// fincode-secure: encrypt a secret for a curl call, print a key's fingerprint,
// run the local sandbox. Exit 0 on success, 1 on an error with a code, 2 on a usage error.
import { parseArgs } from 'node:util'
import { encryptPayload } from '../encrypt.js'
import { isFincodeSecureError } from '../errors.js'
import { importPublicKey } from '../key.js'
import { DEFAULT_CASHIER, DEFAULT_TRANSACTION_PIN, SandboxStartError, startSandbox, TOKEN_EXPIRIES, type TokenExpiry } from '../sandbox/index.js'
import { readKeyText } from './key-input.js'
import { listTokensCommand, rotateKeyCommand, rotateTokenCommand, sandboxTarget } from './sandbox-control.js'
import { readSecret } from './secret-input.js'

const HELP: Record<string, string> = {
  main: `Usage: fincode-secure <command> [options]

Commands:
  encrypt      Encrypt a secret (PIN, password) read from standard input; prints Base64
  fingerprint  Print the SHA-256 fingerprint of a public key
  sandbox      Run the local FinCode sandbox on 127.0.0.1, or change a running one

Run "fincode-secure <command> --help" for a command's options.
`,
  encrypt: `Usage: fincode-secure encrypt [--key-file FILE]

Encrypts one secret with the organisation's public key (RSA-OAEP, SHA-256) and
prints the Base64 ciphertext for a sensitive field of a FinCode request.

The key comes from --key-file FILE (Base64 SPKI as the dashboard shows it, or a
PEM "PUBLIC KEY"), else from the FINCODE_PUBLIC_KEY environment variable.

The secret comes from standard input, never from an argument (arguments are
saved in shell history and visible to other users in ps):
  read -rs PIN && printf %s "$PIN" | fincode-secure encrypt --key-file key.txt
  fincode-secure encrypt --key-file key.txt        (prompts; typing is hidden)

Options:
  --key-file FILE  the public key file
  -h, --help       show this help
`,
  fingerprint: `Usage: fincode-secure fingerprint [--key-file FILE]

Prints the lowercase hex SHA-256 of the key's SPKI DER — the value
"openssl pkey -pubin -outform DER | openssl dgst -sha256" prints — to check
which key a server or a page is using. The key comes from --key-file FILE,
else FINCODE_PUBLIC_KEY.

Options:
  --key-file FILE  the public key file
  -h, --help       show this help
`,
  sandbox: `Usage: fincode-secure sandbox [--port 8787] [--data-dir .fincode-sandbox]
       fincode-secure sandbox rotate [--data-dir DIR | --url URL]
       fincode-secure sandbox tokens [--data-dir DIR | --url URL]
       fincode-secure sandbox rotate-token ID [--expires-in 24h|1m|3m|6m|12m] [--data-dir DIR | --url URL]

Runs the FinCode sandbox on http://127.0.0.1:PORT/api/v6: an organisation key
pair (generated on first start, kept in the data directory), key rotation,
API tokens, and /services endpoints that decrypt and report each sensitive field.
One sandbox per data directory: a second one on the same directory (npm run
demo uses .fincode-sandbox too) refuses to start and names the first.

Commands on a sandbox:
  rotate           rotate the organisation key (the old one is refused at once)
  tokens           list the API tokens: status, expiry, last use, expiring soon,
                   unused for 30 days, which token replaced which
  rotate-token ID  make a successor for token ID (printed alone on standard output,
                   once); the old token keeps working until you invalidate it.
                   Default expiry: the old token's. Signs in as the cashier
                   (FINCODE_SANDBOX_CASHIER_EMAIL / _PASSWORD, else the defaults).

They ask the sandbox that holds the data directory over HTTP (its URL is in
DIR/sandbox.lock), or the one at --url; only when none is running do they
change the files in the data directory themselves.

Options:
  --port N         port on 127.0.0.1 (default 8787; 0 = any free port)
  --data-dir DIR   where keys and token hashes are kept (default .fincode-sandbox)
  --url URL        a running sandbox's API root, e.g. http://127.0.0.1:8787/api/v6
  --expires-in P   rotate-token: the successor's expiry (24h, 1m, 3m, 6m or 12m)
  -h, --help       show this help

Environment:
  FINCODE_SANDBOX_CASHIER_EMAIL, FINCODE_SANDBOX_CASHIER_PASSWORD
                   the cashier credential that creates API tokens
                   (default ${DEFAULT_CASHIER.email} / ${DEFAULT_CASHIER.password})
`,
}

class UsageError extends Error {}

/** The cashier from FINCODE_SANDBOX_CASHIER_EMAIL and _PASSWORD, when both are set. */
function cashierFromEnv(env: NodeJS.ProcessEnv): { email: string; password: string } | undefined {
  const email = env['FINCODE_SANDBOX_CASHIER_EMAIL']
  const password = env['FINCODE_SANDBOX_CASHIER_PASSWORD']
  return email && password ? { email, password } : undefined
}

const SANDBOX_ACTIONS = new Set(['rotate', 'tokens', 'rotate-token'])

const OPTIONS = {
  encrypt: { 'key-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  fingerprint: { 'key-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  sandbox: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    url: { type: 'string' },
    'expires-in': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
} as const

type Command = keyof typeof OPTIONS

function parse(command: Command, args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS[command], allowPositionals: true, strict: true })
  } catch {
    // parseArgs' own message quotes the argument, which for encrypt could be a PIN.
    throw new UsageError(`${command}: unknown or incomplete option. See "fincode-secure ${command} --help".`)
  }
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    ;(command === undefined ? process.stderr : process.stdout).write(HELP['main']!)
    return command === undefined ? 2 : 0
  }
  if (!(command in OPTIONS)) throw new UsageError(`Unknown command. ${HELP['main']!.split('\n\n')[1]}`)
  const { values, positionals } = parse(command as Command, rest)
  if (values.help) {
    process.stdout.write(HELP[command]!)
    return 0
  }
  const action = command === 'sandbox' ? positionals.shift() : undefined
  if (action !== undefined && !SANDBOX_ACTIONS.has(action)) throw new UsageError(`Unknown sandbox command. See "fincode-secure sandbox --help".`)
  const tokenId = action === 'rotate-token' ? positionals.shift() : undefined
  if (action === 'rotate-token' && !tokenId) throw new UsageError('sandbox rotate-token needs the id of the token to rotate (see "fincode-secure sandbox tokens").')
  if (positionals.length > 0) {
    throw new UsageError(
      command === 'encrypt'
        ? 'encrypt takes no arguments: the secret is read from standard input, never from the command line, where it would be saved in shell history. Pipe it in or type it at the prompt.'
        : `${command} takes no positional arguments. See "fincode-secure ${command} --help".`,
    )
  }
  const v = values as Record<string, string | boolean | undefined>

  if (command === 'encrypt' || command === 'fingerprint') {
    const key = await importPublicKey(await readKeyText(v['key-file'] as string | undefined, process.env))
    if (command === 'fingerprint') {
      process.stdout.write(`${key.fingerprint}\n`)
      return 0
    }
    const secret = await readSecret(process.stdin, process.stderr)
    process.stdout.write(`${await encryptPayload(secret, key)}\n`)
    return 0
  }

  const dataDir = (v['data-dir'] as string | undefined) ?? '.fincode-sandbox'
  if (action !== undefined) {
    if (v['port'] !== undefined) throw new UsageError(`sandbox ${action} talks to a running sandbox: pass --url or --data-dir, not --port.`)
    const expiresIn = v['expires-in'] as string | undefined
    if (expiresIn !== undefined && (action !== 'rotate-token' || !TOKEN_EXPIRIES.includes(expiresIn as TokenExpiry))) {
      throw new UsageError(`--expires-in is for rotate-token, one of ${TOKEN_EXPIRIES.join(', ')}.`)
    }
    const target = await sandboxTarget(dataDir, v['url'] as string | undefined)
    if (action === 'rotate') process.stdout.write(await rotateKeyCommand(target))
    else if (action === 'tokens') process.stdout.write(await listTokensCommand(target))
    else {
      const rotated = await rotateTokenCommand(target, tokenId!, expiresIn as TokenExpiry | undefined, cashierFromEnv(process.env) ?? DEFAULT_CASHIER)
      process.stderr.write(rotated.report)
      process.stdout.write(`${rotated.token}\n`)
    }
    return 0
  }
  if (v['expires-in'] !== undefined) throw new UsageError('--expires-in is for "sandbox rotate-token".')
  if (v['url'] !== undefined) throw new UsageError('--url is for commands on a running sandbox (e.g. "sandbox rotate").')
  const port = v['port'] === undefined ? 8787 : Number(v['port'])
  if (!/^\d+$/.test(String(v['port'] ?? '8787')) || port > 65535) throw new UsageError('--port must be a number from 0 to 65535.')
  const cashier = cashierFromEnv(process.env)
  const sandbox = await startSandbox({
    port,
    dataDir,
    ...(cashier ? { cashier } : {}),
    log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error
    throw new Error(`port ${port} is in use; pass --port with another one (or 0).`, { cause: error })
  })
  const key = sandbox.currentKey()
  process.stdout.write(
    [
      `FinCode sandbox on ${sandbox.apiUrl}`,
      `  data directory   ${sandbox.dataDir}`,
      `  public key       ${key.fingerprint} (RSA-${key.modulusLength}); GET ${sandbox.apiUrl}/encryption-keys/current`,
      `  cashier          ${cashier ? `${cashier.email} (from FINCODE_SANDBOX_CASHIER_*)` : `${DEFAULT_CASHIER.email} / ${DEFAULT_CASHIER.password}`}`,
      `  transaction PIN  ${DEFAULT_TRANSACTION_PIN} on first start`,
      'Ctrl+C stops it.',
      '',
    ].join('\n'),
  )
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await sandbox.close()
  return 0
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`fincode-secure: ERR_USAGE: ${error.message}\n`)
      process.exitCode = 2
    } else if (isFincodeSecureError(error)) {
      process.stderr.write(`fincode-secure: ${error.code}: ${error.message}\n`)
      process.exitCode = 1
    } else if (error instanceof SandboxStartError) {
      process.stderr.write(`fincode-secure: ${error.code}: ${error.message}\n`)
      process.exitCode = 1
    } else {
      process.stderr.write(`fincode-secure: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    }
  },
)
