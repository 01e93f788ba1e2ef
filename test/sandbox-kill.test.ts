// kill -9 under load, 10 times (npm run soak does it 50 times): after every
// kill, each token, invalidation, key rotation and PIN change the sandbox
// acknowledged is in its state file, a key acknowledged as retired is never
// current again, and the next start takes the dead process's lock over.
// The accounting is scripts/sandbox-soak.mjs; this runs it as `npm run soak` does.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { expect, test } from 'vitest'

test('10 kills under load: nothing acknowledged is lost', async () => {
  expect(existsSync('dist/cli/main.js'), 'run `npm run build` first (npm test does)').toBe(true)
  const child = spawn(process.execPath, ['scripts/sandbox-soak.mjs', '--kills', '10'], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const line = /^SOAK_RESULT (.+)$/m.exec(out)
  expect(line, out).not.toBeNull()
  const result = JSON.parse(line![1]!)
  console.log('kill -9 smoke test:', line![1])
  expect(result.problems).toEqual([])
  expect(result.kills).toBe(10)
  // Every kind of acknowledged write was there to lose: at least one per round each.
  expect(result.acknowledged.tokens).toBeGreaterThanOrEqual(20)
  expect(result.acknowledged.rotations).toBeGreaterThanOrEqual(10)
  expect(result.acknowledged.pinChanges).toBeGreaterThanOrEqual(10)
  expect(result.acknowledged.invalidations).toBeGreaterThan(0)
  expect(status).toBe(0)
}, 600_000)
