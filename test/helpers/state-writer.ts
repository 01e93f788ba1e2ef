// Child process for the atomicity test: rewrites a ~1 MB state file as fast as
// it can and reports each completed write on stdout, until it is killed.
import { prepareDirectory, writeStateAtomic, type SandboxState } from '../../src/sandbox/state-file.js'

const dir = process.argv[2]!
await prepareDirectory(dir)
const key = { id: 'key_1', createdAt: '2026-01-01T00:00:00.000Z', retiredAt: null, modulusLength: 2048, publicKey: 'x', fingerprint: 'f', privateKeyPem: 'p' }
for (let generation = 1; ; generation++) {
  const state: SandboxState = {
    format: 'fincode-sandbox-state',
    version: 1,
    currentKey: { ...key, id: `key_${generation}` },
    retiredKeys: [],
    tokens: Array.from({ length: 4000 }, (_, i) => ({
      id: `tok_${generation}_${i}`,
      label: `service ${i}`,
      expiresIn: '1m' as const,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
      lastUsedAt: null,
      invalidatedAt: null,
      replacedBy: null,
      replaces: null,
      tokenSha256: (generation % 16).toString(16).repeat(64),
    })),
    transactionPin: { salt: 's', scrypt: 'h', changedAt: '2026-01-01T00:00:00.000Z' },
  }
  await writeStateAtomic(dir, state)
  process.stdout.write(`${generation}\n`)
}
