// Compiles the type test on its own under strict TypeScript: the switches over
// the error unions compile, and the deliberately non-exhaustive one is refused.
import { execFileSync } from 'node:child_process'
import { expect, test } from 'vitest'

test('error-codes.types.ts compiles under tsc --strict (one switch over every code, exhaustive switches per entry)', () => {
  const run = () =>
    execFileSync(
      'npx',
      ['tsc', '--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2022', '--module', 'ESNext', '--moduleResolution', 'Bundler', '--jsx', 'react-jsx', '--lib', 'ES2022,DOM', 'test/react/error-codes.types.ts'],
      { encoding: 'utf8', timeout: 120_000 },
    )
  expect(run).not.toThrow()
}, 150_000)
