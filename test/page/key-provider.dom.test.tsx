// <FincodeKeyProvider> and useFincodeKey() with today's hooks: the provider's key is
// passed as `publicKey`, follows a rotation, and a submission refused for a rotated
// key is recovered with submitWithKeyRecovery — the user types nothing again.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { useRef, type FormEvent, type RefObject } from 'react'
import { renderToString } from 'react-dom/server'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import type { FincodePublicKey } from '../../src/index.js'
import { submitWithKeyRecovery, type KeyRetry } from '../../src/page/recover.js'
import { FincodeKeyProvider, useEncryptedField, useFincodeKey, type EncryptedField, type FincodeKey } from '../../src/react/index.js'
import { startKeyRotationApp, type KeyRotationApp } from '../helpers/key-rotation-app.js'
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js'
import { findInFiberTree } from '../react/fiber-walk.js'
import { typeInto } from '../react/harness.js'
import { buffered } from '../helpers/buffered-response.js'

let sandbox: TestSandbox
let app: KeyRotationApp
let keyUrl: string

beforeAll(async () => {
  sandbox = await startTestSandbox()
  app = await startKeyRotationApp(sandbox)
  keyUrl = `${app.url}/api/fincode-key`
})
afterAll(async () => {
  await app?.close()
  await sandbox?.dispose()
})
afterEach(() => {
  cleanup()
  app.keyMode('live')
})

interface Seen {
  key: FincodeKey | null
  field: EncryptedField | null
}

/** A PIN form as an app writes it today: the provider's key passed to the hook; the submission recovered from a rotation. */
function PinForm({ seen, onResult, onRetry }: { seen: RefObject<Seen>; onResult: (result: unknown) => void; onRetry?: (retry: KeyRetry) => void }) {
  const key = useFincodeKey()
  const pin = useEncryptedField({ publicKey: key.publicKey, name: 'transactionPin', required: true })
  seen.current = { key, field: pin }

  // Until the forms controller does this itself (it will encrypt with the key it is given), the hook
  // encrypts with the key of its last render: wait for the render that brings the refreshed key.
  const encryptWith = async (publicKey: FincodePublicKey) => {
    await waitFor(() => expect(seen.current.field?.fingerprint).toBe(publicKey.fingerprint))
    return { transactionPin: await seen.current.field!.encrypt() }
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    submitWithKeyRecovery({
      keySource: key.source,
      encrypt: encryptWith,
      send: (values) =>
        // Buffered in happy-dom (see buffered-response.ts).
        fetch(`${app.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) }).then(buffered),
      onRetry,
    }).then(onResult, onResult)
  }
  return (
    <form onSubmit={onSubmit}>
      <input {...pin.inputProps} data-testid="pin" />
      <button type="submit">Send</button>
      <output data-testid="key-status">{key.status}</output>
    </form>
  )
}

function renderForm(onRetry?: (retry: KeyRetry) => void) {
  const seen = { current: { key: null, field: null } as Seen }
  const results: unknown[] = []
  const view = render(
    <FincodeKeyProvider url={keyUrl}>
      <PinForm seen={seen} onResult={(result) => results.push(result)} onRetry={onRetry} />
    </FincodeKeyProvider>,
  )
  return { view, seen, results, input: view.getByTestId('pin') as HTMLInputElement }
}

test('the provider loads the key once for the fields below it; the hook gets it as publicKey', async () => {
  const before = app.keyRequests
  const { seen } = renderForm()
  await waitFor(() => expect(seen.current.key?.status).toBe('ready'))
  const fingerprint = sandbox.currentKey().fingerprint
  expect(seen.current.key).toMatchObject({ fingerprint, error: null, publicKey: { fingerprint } })
  await waitFor(() => expect(seen.current.field?.fingerprint).toBe(fingerprint))
  expect(app.keyRequests - before).toBe(1)
})

test('refresh() after a rotation: the provider, then the field, move to the new key', async () => {
  const { seen } = renderForm()
  await waitFor(() => expect(seen.current.field?.fingerprint).toBe(sandbox.currentKey().fingerprint))
  const rotated = await sandbox.rotateKey()
  await act(() => seen.current.key!.refresh())
  expect(seen.current.key?.fingerprint).toBe(rotated.fingerprint)
  await waitFor(() => expect(seen.current.field?.fingerprint).toBe(rotated.fingerprint))
})

test('PIN typed, key rotated out of band, submit: refused once, sent again with the new key, accepted; nothing typed again', async () => {
  const retries: KeyRetry[] = []
  const { seen, results, input, view } = renderForm((retry) => retries.push(retry))
  await waitFor(() => expect(seen.current.field?.fingerprint).toBe(sandbox.currentKey().fingerprint))
  const old = sandbox.currentKey().fingerprint
  typeInto(input, '482913')
  const rotated = await sandbox.rotateKey()
  const forwards = app.forwards.length

  await act(async () => view.getByText('Send').click())
  await waitFor(() => expect(results).toHaveLength(1))
  const response = results[0] as Response
  expect(response.status).toBe(200)
  expect(await response.json()).toMatchObject({ fields: [{ field: 'transactionPin', decrypted: true, keyFingerprint: rotated.fingerprint }] })
  expect(app.forwards.slice(forwards).map((f) => [f.fingerprint, f.status])).toEqual([
    [old, 409],
    [rotated.fingerprint, 200],
  ])
  expect(retries).toEqual([{ previousFingerprint: old, fingerprint: rotated.fingerprint }])
  expect(seen.current.key?.fingerprint).toBe(rotated.fingerprint)
  expect(findInFiberTree(view.container, '482913'), 'no PIN in React state, props, refs or context').toEqual([])
})

test('a key endpoint that is down: useFincodeKey reports ERR_KEY_MISSING, the field has no key, nothing is sent', async () => {
  app.keyMode('down')
  const posts = app.received.filter((r) => r.method === 'POST').length
  const { seen, results, input, view } = renderForm()
  await waitFor(() => expect(seen.current.key?.status).toBe('error'))
  expect(seen.current.key?.error).toMatchObject({ code: 'ERR_KEY_MISSING', message: expect.stringContaining('it answered HTTP 503') })
  expect(seen.current.key?.publicKey).toBeNull()
  typeInto(input, '482913')
  await act(async () => view.getByText('Send').click())
  await waitFor(() => expect(results).toHaveLength(1))
  expect(results[0]).toMatchObject({ code: 'ERR_KEY_MISSING' })
  expect(app.received.filter((r) => r.method === 'POST')).toHaveLength(posts)
})

test('useFincodeKey() outside a provider says what to add', () => {
  function Orphan() {
    useFincodeKey()
    return null
  }
  const quiet = console.error
  console.error = () => {}
  try {
    expect(() => render(<Orphan />)).toThrow(expect.objectContaining({ code: 'ERR_KEY_MISSING', message: expect.stringContaining('<FincodeKeyProvider url="/api/fincode-key">') }))
  } finally {
    console.error = quiet
  }
})

test('a server render fetches nothing and renders the idle state', () => {
  const before = app.keyRequests
  const seen = { current: { key: null, field: null } as Seen }
  const html = renderToString(
    <FincodeKeyProvider url={keyUrl}>
      <PinForm seen={seen} onResult={() => {}} />
    </FincodeKeyProvider>,
  )
  expect(html).toContain('>idle</output>')
  expect(seen.current.key).toMatchObject({ status: 'idle', publicKey: null })
  expect(app.keyRequests).toBe(before)
})

test('source={…} shares one key source with non-React code', async () => {
  const { createFincodeKeySource } = await import('../../src/page/key-source.js')
  const source = createFincodeKeySource(keyUrl)
  const seen = { current: { key: null, field: null } as Seen }
  function Reader() {
    seen.current.key = useFincodeKey()
    return null
  }
  render(
    <FincodeKeyProvider source={source}>
      <Reader />
    </FincodeKeyProvider>,
  )
  const key = await source.current()
  await waitFor(() => expect(seen.current.key?.publicKey).toBe(key))
  expect(seen.current.key?.source).toBe(source)
})
