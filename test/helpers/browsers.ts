// Which browsers this machine has, and what to do when one is missing: under
// CI=true a missing browser is a failure; elsewhere the test file is skipped
// and says why.
import { existsSync } from 'node:fs'

export const CHROMIUM = '/usr/bin/chromium'
export const FIREFOX_ESR = '/usr/bin/firefox-esr'

export const IN_CI = process.env.CI === 'true'

/**
 * Returns true when the tests may run. With a missing browser: throws under CI,
 * otherwise warns and returns false (the caller skips).
 */
export function browserAvailable(name: string, missing: string | null): boolean {
  if (!missing) return true
  const message = `${name}: ${missing}`
  if (IN_CI) throw new Error(`${message}; CI must have every browser (see .ci/run).`)
  console.warn(`SKIPPED: ${message}.`)
  return false
}

export const missingFile = (path: string, install: string): string | null => (existsSync(path) ? null : `${path} is missing (apt-get install ${install})`)
