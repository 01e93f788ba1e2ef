// API-token rotation on the sandbox (issue 17): a successor is made while the
// old token keeps working, so a service switches over without an interruption;
// the list says which token replaced which, when each was last used, and which
// tokens expire soon or have gone unused for 30 days.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encryptPayload } from '../src/index.js'
import { SandboxHttpError, startSandbox, type SandboxToken } from '../src/sandbox/index.js'
import { call, startTestSandbox, type TestSandbox } from './helpers/sandbox.js'
import { runCli } from './helpers/cli.js'

const DAY = 24 * 3600_000
const CASHIER = { email: 'cashier@example.com', password: 'sandbox-password' }

let sandbox: TestSandbox
beforeAll(async () => {
  sandbox = await startTestSandbox()
})
afterAll(() => sandbox?.dispose())

const encrypted = async (text: string) => encryptPayload(text, sandbox.currentKey().publicKey)
const rotate = async (id: string, body: Record<string, unknown> = {}) =>
  call(sandbox, 'POST', `/api-tokens/${id}/rotate`, { expiresIn: '1m', email: CASHIER.email, currentPassword: await encrypted(CASHIER.password), ...body })
const use = (token: string) => call(sandbox, 'POST', '/services/verify-fields', {}, { 'X-Auth-Token': token, platform: 'fincode', uuid: 'rotation' })
const listed = async (id: string): Promise<SandboxToken> => (await call(sandbox, 'GET', '/api-tokens')).body.tokens.find((t: SandboxToken) => t.id === id)

describe('POST /api-tokens/{id}/rotate', () => {
  test('answers the successor once, like a create plus `replaces`; both tokens work until the old one is invalidated', async () => {
    const create = await call(sandbox, 'POST', '/api-tokens', { label: 'payouts', expiresIn: '3m', email: CASHIER.email, currentPassword: await encrypted(CASHIER.password) })
    expect(create.status).toBe(201)
    const old = create.body
    expect((await use(old.token)).status).toBe(200)

    const rotated = await rotate(old.id)
    expect(rotated.status).toBe(201)
    const successor = rotated.body
    // The same body as create (where `replaces` is null), with `replaces` set.
    expect(Object.keys(successor).sort()).toEqual(Object.keys(old).sort())
    expect(old.replaces).toBeNull()
    expect(successor).toMatchObject({ label: 'payouts', expiresIn: '1m', status: 'active', replaces: old.id, replacedBy: null, lastUsedAt: null })
    expect(successor.token).toMatch(/^fcs_[A-Za-z0-9_-]{43}$/)
    expect(successor.notice).toContain('shown once')
    expect(successor.id).not.toBe(old.id)

    // The old one is marked, still active, and still works; the new one works too.
    expect(await listed(old.id)).toMatchObject({ status: 'active', replacedBy: successor.id, replaces: null })
    expect((await use(old.token)).status).toBe(200)
    expect((await use(successor.token)).status).toBe(200)
    // Both tokens' last use is listed; the secret never is.
    const list = await call(sandbox, 'GET', '/api-tokens')
    expect(JSON.stringify(list.body)).not.toContain(successor.token)
    expect((await listed(old.id)).lastUsedAt).not.toBeNull()
    expect((await listed(successor.id)).lastUsedAt).not.toBeNull()

    // Create still refuses a second active token for the label: rotation is the way to have two.
    const again = await call(sandbox, 'POST', '/api-tokens', { label: 'payouts', expiresIn: '1m', email: CASHIER.email, currentPassword: await encrypted(CASHIER.password) })
    expect([again.status, again.body.error.code]).toEqual([409, 'LABEL_TAKEN'])
    expect(again.body.error.message).toContain('rotate it')

    expect((await call(sandbox, 'DELETE', `/api-tokens/${old.id}`)).status).toBe(200)
    expect((await use(old.token)).body.error.code).toBe('TOKEN_REVOKED')
    expect((await use(successor.token)).status).toBe(200)
  })

  test('every refusal has its own code', async () => {
    const { id: replacedId } = await sandbox.createToken('refusals-replaced', '1m')
    const rotated = await rotate(replacedId)
    expect(rotated.status).toBe(201)
    const again = await rotate(replacedId)
    expect([again.status, again.body.error.code, again.body.error.replacedBy]).toEqual([409, 'TOKEN_ALREADY_REPLACED', rotated.body.id])

    const { id: invalidatedId } = await sandbox.createToken('refusals-invalidated', '1m')
    await sandbox.invalidateToken(invalidatedId)
    expect((await rotate(invalidatedId)).body.error.code).toBe('TOKEN_ALREADY_INVALIDATED')

    const { id: expiringId } = await sandbox.createToken('refusals-expired', '24h')
    sandbox.advance(DAY)
    try {
      const expired = await rotate(expiringId)
      expect([expired.status, expired.body.error.code]).toEqual([409, 'TOKEN_ALREADY_EXPIRED'])
    } finally {
      sandbox.advance(-DAY)
    }

    const { id } = await sandbox.createToken('refusals-input', '1m')
    const cases: [body: Record<string, unknown>, status: number, code: string][] = [
      [{ currentPassword: await encrypted('guess') }, 403, 'CASHIER_CREDENTIALS_INVALID'],
      [{ email: 'someone@example.com' }, 403, 'CASHIER_CREDENTIALS_INVALID'],
      [{ currentPassword: CASHIER.password }, 422, 'FIELD_NOT_DECRYPTABLE'],
      [{ currentPassword: undefined }, 400, 'FIELD_MISSING'],
      [{ expiresIn: '2w' }, 400, 'EXPIRY_INVALID'],
      [{ expiresIn: undefined }, 400, 'EXPIRY_INVALID'],
    ]
    for (const [body, status, code] of cases) {
      const answer = await rotate(id, body)
      expect([answer.status, answer.body.error.code]).toEqual([status, code])
    }
    const stale = await encrypted(CASHIER.password)
    await sandbox.rotateKey()
    expect((await rotate(id, { currentPassword: stale })).body.error.code).toBe('KEY_ROTATED')
    expect((await rotate('tok_000000000000')).body.error).toMatchObject({ code: 'TOKEN_NOT_FOUND' })
    // None of the refusals made a successor.
    expect(sandbox.listTokens().filter((t) => t.replaces === id)).toEqual([])
  }, 30_000)

  test('two rotations of one token at once: one successor, one TOKEN_ALREADY_REPLACED', async () => {
    const { id } = await sandbox.createToken('racing-rotations', '1m')
    const answers = await Promise.all([rotate(id), rotate(id), rotate(id)])
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409])
    expect(sandbox.listTokens().filter((t) => t.replaces === id)).toHaveLength(1)
  })

  test("startSandbox()'s handle rotates too, refusing with the same codes", async () => {
    const old = await sandbox.createToken('handle', '6m')
    const successor = await sandbox.rotateToken(old.id)
    expect(successor).toMatchObject({ label: 'handle', expiresIn: '6m', replaces: old.id, status: 'active' })
    expect((await use(successor.token)).status).toBe(200)
    const refusal = await sandbox.rotateToken(old.id).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(SandboxHttpError)
    expect((refusal as SandboxHttpError).code).toBe('TOKEN_ALREADY_REPLACED')
    await expect(sandbox.rotateToken('tok_nothing')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND', status: 404 })
  })
})

describe('flags in the token list', () => {
  test('expiring soon: within 7 days of expiry and in the last quarter of the lifetime', async () => {
    const day = await sandbox.createToken('flag-24h', '24h')
    const month = await sandbox.createToken('flag-1m', '1m')
    const year = await sandbox.createToken('flag-12m', '12m')
    const flag = async (id: string) => (await listed(id)).expiringSoon
    // A 24-hour token is within 7 days of its end from birth, but not in its last quarter.
    expect([await flag(day.id), await flag(month.id), await flag(year.id)]).toEqual([false, false, false])
    let moved = 0
    const advanceTo = (ms: number) => {
      sandbox.advance(ms - moved)
      moved = ms
    }
    try {
      advanceTo(18 * 3600_000 - 60_000) // 6 h and a minute left of 24 h: not yet a quarter
      expect(await flag(day.id)).toBe(false)
      advanceTo(18 * 3600_000 + 60_000)
      expect(await flag(day.id)).toBe(true)
      const monthLeft = Date.parse(month.expiresAt) - Date.parse(month.createdAt)
      advanceTo(monthLeft - 7 * DAY - 60_000) // 7 days and a minute left
      expect(await flag(month.id)).toBe(false)
      advanceTo(monthLeft - 7 * DAY + 60_000)
      expect(await flag(month.id)).toBe(true)
      const yearLeft = Date.parse(year.expiresAt) - Date.parse(year.createdAt)
      advanceTo(yearLeft - 8 * DAY)
      expect(await flag(year.id)).toBe(false)
      advanceTo(yearLeft - 6 * DAY)
      expect(await flag(year.id)).toBe(true)
      // Expired tokens are not "expiring soon": they are expired.
      expect(await listed(day.id)).toMatchObject({ status: 'expired', expiringSoon: false })
    } finally {
      advanceTo(0)
    }
  })

  test('unused for 30 days: since the last use, or since creation for a token never used', async () => {
    const idle = await sandbox.createToken('flag-idle', '12m')
    const busy = await sandbox.createToken('flag-busy', '12m')
    try {
      sandbox.advance(30 * DAY - 60_000)
      expect((await listed(idle.id)).unusedFor30Days).toBe(false)
      expect((await use(busy.token)).status).toBe(200)
      sandbox.advance(120_000)
      expect((await listed(idle.id)).unusedFor30Days).toBe(true)
      expect((await listed(busy.id)).unusedFor30Days).toBe(false)
      sandbox.advance(30 * DAY)
      expect((await listed(busy.id)).unusedFor30Days).toBe(true)
      expect((await use(busy.token)).status).toBe(200)
      expect((await listed(busy.id)).unusedFor30Days).toBe(false)
    } finally {
      sandbox.advance(-(60 * DAY + 60_000))
    }
  })
})

test('a restart keeps successors, links, last use and flags', async () => {
  const own = await startTestSandbox()
  const old = await own.createToken('restart', '24h')
  const successor = await own.rotateToken(old.id, '3m')
  await call(own, 'POST', '/services/verify-fields', {}, { 'X-Auth-Token': old.token, platform: 'fincode', uuid: 'restart' })
  const before = own.listTokens()
  await own.close()
  const again = await startSandbox({ port: 0, dataDir: own.dataDir })
  try {
    expect(again.listTokens()).toEqual(before)
    expect(again.listTokens().find((t) => t.id === old.id)).toMatchObject({ replacedBy: successor.id })
    expect(again.listTokens().find((t) => t.id === old.id)!.lastUsedAt).not.toBeNull()
    expect((await again.rotateToken(old.id).catch((error: SandboxHttpError) => error.code))).toBe('TOKEN_ALREADY_REPLACED')
    for (const token of [old.token, successor.token]) {
      expect((await call(again, 'POST', '/services/verify-fields', {}, { 'X-Auth-Token': token, platform: 'fincode', uuid: 'restart' })).status).toBe(200)
    }
  } finally {
    await again.close()
    rmSync(own.dataDir, { recursive: true, force: true })
  }
})

describe('the CLI, talking to the running sandbox', () => {
  const cli = (args: string[]) => runCli(args)

  test('`sandbox rotate-token ID` prints the successor alone on stdout; `sandbox tokens` shows the link and the flags', async () => {
    const old = await sandbox.createToken('cli-service', '1m')
    const rotated = await cli(['sandbox', 'rotate-token', old.id, '--data-dir', sandbox.dataDir])
    expect(rotated.status).toBe(0)
    const token = rotated.stdout.trim()
    expect(token).toMatch(/^fcs_[A-Za-z0-9_-]{43}$/)
    expect(rotated.stderr).toContain(`Rotated ${old.id}: its successor tok_`)
    expect((await use(token)).status).toBe(200)
    const successor = sandbox.listTokens().find((t) => t.replaces === old.id)!
    expect(successor.expiresIn).toBe('1m') // the old token's period, unless --expires-in says otherwise

    const list = await cli(['sandbox', 'tokens', '--url', sandbox.apiUrl])
    expect(list.status).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`^${old.id}  active .*"cli-service"  \\(replaced by ${successor.id}\\)$`, 'm'))
    expect(list.stdout).toMatch(new RegExp(`^${successor.id}  active .*"cli-service"  \\(replaces ${old.id}\\)$`, 'm'))
    expect(list.stdout).not.toContain(token)

    const twice = await cli(['sandbox', 'rotate-token', old.id, '--url', sandbox.apiUrl, '--expires-in', '3m'])
    expect([twice.status, twice.stdout]).toEqual([1, ''])
    expect(twice.stderr).toMatch(/^fincode-secure: TOKEN_ALREADY_REPLACED: /)
    expect((await cli(['sandbox', 'rotate-token'])).stderr).toMatch(/ERR_USAGE: sandbox rotate-token needs the id/)
    expect((await cli(['sandbox', 'rotate-token', old.id, '--expires-in', '2w'])).stderr).toMatch(/ERR_USAGE: --expires-in is for rotate-token, one of 24h/)
  }, 60_000)
})
