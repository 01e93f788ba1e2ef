// The sandbox tells which OAEP variant a field was made with, for ciphertexts
// made by the real tools: Java's default provider (SHA-256 / MGF1-SHA-1, the
// FinCode Java sample as written), Java with an explicit MGF1-SHA-256 spec,
// and Python's cryptography with either MGF1 hash.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { javaDefault } from '../src/java-default.js'
import { createFincodeClient } from '../src/server/index.js'
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.js'

/** Under CI a missing tool fails the test; on a laptop it is reported as skipped, never as passed. */
function tool(command: string, args: string[]): boolean {
  const ok = spawnSync(command, args, { stdio: 'ignore' }).status === 0
  if (!ok && process.env['CI'] === 'true') throw new Error(`${command} is required under CI`)
  return ok
}

const JAVA = `
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

public class Encrypt {
  public static void main(String[] args) throws Exception {
    PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(args[0])));
    byte[] pin = args[1].getBytes("UTF-8");
    // As FinCode's Java sample: no parameter spec, so SunJCE uses MGF1 with SHA-1.
    Cipher asWritten = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
    asWritten.init(Cipher.ENCRYPT_MODE, key);
    System.out.println(Base64.getEncoder().encodeToString(asWritten.doFinal(pin)));
    Cipher explicit = Cipher.getInstance("RSA/ECB/OAEPPadding");
    explicit.init(Cipher.ENCRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    System.out.println(Base64.getEncoder().encodeToString(explicit.doFinal(pin)));
  }
}
`

const PYTHON = `
import base64, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
key = serialization.load_der_public_key(base64.b64decode(sys.argv[1]))
for mgf in (hashes.SHA1(), hashes.SHA256()):
    print(base64.b64encode(key.encrypt(sys.argv[2].encode(), padding.OAEP(mgf=padding.MGF1(mgf), algorithm=hashes.SHA256(), label=None))).decode())
`

const PYTHON_BIN = process.env['PYTHON'] ?? 'python3'

let sandbox: TestSandbox
let dir: string
beforeAll(async () => {
  sandbox = await startTestSandbox()
  dir = mkdtempSync(join(tmpdir(), 'fincode-variants-'))
})
afterAll(async () => {
  await sandbox?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

async function verdicts(userPin: string, transactionPin: string) {
  const { token } = await sandbox.createToken(`variants-${Math.random()}`)
  const client = createFincodeClient({ baseUrl: sandbox.apiUrl, token, publicKey: sandbox.currentKey().publicKey, uuid: 'u' })
  // fields: [] — the values are ciphertexts already, made by the other tool.
  const answer = await client.post<{ fields: { field: string; variant: string; decrypted: boolean }[] }>('/services/verify-fields', { userPin, transactionPin }, { fields: [] })
  return answer.fields.map((f) => [f.field, f.decrypted, f.variant])
}

function run(command: string, args: string[]): string[] {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 })
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return result.stdout.trim().split('\n')
}

test.skipIf(!tool('java', ['-version']))("Java's default provider gives RSA-OAEP-256-MGF1-SHA1; an explicit MGF1-SHA-256 spec gives RSA-OAEP-256", async () => {
  writeFileSync(join(dir, 'Encrypt.java'), JAVA)
  const [javaDefault, javaExplicit] = run('java', [join(dir, 'Encrypt.java'), sandbox.currentKey().publicKey, '0123'])
  expect(await verdicts(javaDefault!, javaExplicit!)).toEqual([
    ['userPin', true, 'RSA-OAEP-256-MGF1-SHA1'],
    ['transactionPin', true, 'RSA-OAEP-256'],
  ])
})

test.skipIf(!tool(PYTHON_BIN, ['-c', 'import cryptography']))('Python MGF1(SHA1) and MGF1(SHA256) are told apart', async () => {
  const [sha1, sha256] = run(PYTHON_BIN, ['-c', PYTHON, sandbox.currentKey().publicKey, 'pïn 🔒'])
  expect(await verdicts(sha1!, sha256!)).toEqual([
    ['userPin', true, 'RSA-OAEP-256-MGF1-SHA1'],
    ['transactionPin', true, 'RSA-OAEP-256'],
  ])
})

test('createFincodeClient with { scheme: javaDefault } sends what the sandbox reads as RSA-OAEP-256-MGF1-SHA1; without it, RSA-OAEP-256', async () => {
  const { token } = await sandbox.createToken(`scheme-${Math.random()}`)
  const options = { baseUrl: sandbox.apiUrl, token, publicKey: sandbox.currentKey().publicKey, uuid: 'u' }
  const body = { userPin: '0123', profile: { securityAnswer: 'Pochi 🐕' } }
  type Verdicts = { fields: { field: string; variant: string; decrypted: boolean }[] }
  const javaStyle = await createFincodeClient({ ...options, scheme: javaDefault }).post<Verdicts>('/services/verify-fields', body)
  const standard = await createFincodeClient(options).post<Verdicts>('/services/verify-fields', body)
  expect(javaStyle.fields.map((f) => [f.field, f.decrypted, f.variant])).toEqual([
    ['userPin', true, 'RSA-OAEP-256-MGF1-SHA1'],
    ['profile.securityAnswer', true, 'RSA-OAEP-256-MGF1-SHA1'],
  ])
  expect(standard.fields.map((f) => [f.field, f.decrypted, f.variant])).toEqual([
    ['userPin', true, 'RSA-OAEP-256'],
    ['profile.securityAnswer', true, 'RSA-OAEP-256'],
  ])
})
