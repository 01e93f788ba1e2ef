// `npm run bench:java-default [-- bits]`: bench/java-default.mjs in Node, on dist/.
// Ends by checking that both contenders really produce SHA-256/MGF1-SHA-1: the
// samples they returned are decrypted by Python's cryptography with MGF1(SHA1).
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import * as core from '../dist/index.js'
import { javaDefault } from '../dist/java-default.js'
import { benchJavaDefault, formatBench, PAYLOAD_TEXT } from './java-default.mjs'

const forge = createRequire(import.meta.url)('node-forge')
const bits = Number(process.argv[2] ?? 2048)
const pair = generateKeyPairSync('rsa', { modulusLength: bits })
const key = {
  publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
}
const result = await benchJavaDefault({ ...core, javaDefault }, forge, key, { log: console.log })
console.log(`Node ${process.version}\n${formatBench(result)}`)

// test/interop/decrypt.py reads one job per line: <MGF1 hash> TAB <PKCS#8 DER, Base64> TAB <ciphertext>.
const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64')
const python = process.env.PYTHON ?? 'python3'
const input = [result.samples.javaDefault, result.samples.forge].map((ciphertext) => `SHA-1\t${pkcs8}\t${ciphertext}\n`).join('')
const run = spawnSync(python, [fileURLToPath(new URL('../test/interop/decrypt.py', import.meta.url))], { input, encoding: 'utf8' })
const lines = run.stdout.trim().split('\n')
const ok = run.status === 0 && lines.length === 2 && lines.every((line) => line.startsWith('OK\t') && Buffer.from(line.slice(3), 'base64').toString('utf8') === PAYLOAD_TEXT)
console.log(`  check: Python OAEP(SHA-256, MGF1(SHA-1)) decrypts the javaDefault and the node-forge sample: ${ok ? 'yes' : `NO\n${run.stdout}${run.stderr}`}`)
if (!ok) process.exitCode = 1
