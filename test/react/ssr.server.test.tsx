// Server rendering (Node, no DOM): the hook renders, runs no crypto, warns about
// nothing, and the HTML holds no secret and no named password input.
import { renderToString } from 'react-dom/server'
import { afterEach, expect, test, vi } from 'vitest'
import { useEncryptedField } from '../../src/react/index.js'
import { testKeyPair } from '../helpers/keys.js'
import { ActionForm } from './examples/action-form.js'
import { ChangePinForm } from './examples/change-pin-form.js'
import { HookFormTransfer } from './examples/hook-form.js'
import { TransactionPinForm } from './examples/transaction-pin-form.js'

afterEach(() => vi.restoreAllMocks())

const { publicKey } = testKeyPair(2048)

test.each([
  ['one field, native post', () => <TransactionPinForm publicKey={publicKey} />],
  ['three fields', () => <ChangePinForm publicKey={publicKey} onSave={() => {}} />],
  ['a form action', () => <ActionForm publicKey={publicKey} save={async () => {}} />],
  ['react-hook-form', () => <HookFormTransfer publicKey={publicKey} onValid={() => {}} />],
  ['the key still loading', () => <TransactionPinForm publicKey={null} />],
])('%s renders to a string with no secret', (_, element) => {
  const logged = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn')]
  const html = renderToString(element())
  expect(typeof document).toBe('undefined')
  const passwords = html.match(/<input[^>]*type="password"[^>]*>/g) ?? []
  expect(passwords.length).toBeGreaterThan(0)
  for (const input of passwords) {
    expect(input).not.toMatch(/\sname=/)
    expect(input).not.toMatch(/\svalue=/)
    expect(input).toMatch(/inputMode="numeric"|inputmode="numeric"/)
    expect(input).toMatch(/autoComplete="off"|autocomplete="off"/)
  }
  for (const hidden of html.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) expect(hidden).not.toMatch(/value="[^"]/)
  expect(html).not.toContain(publicKey.slice(40, 80)) // the key is not rendered either (it is public, but it has no business in the HTML)
  for (const spy of logged) expect(spy).not.toHaveBeenCalled()
})

test('the hidden input is rendered with its name and an empty value', () => {
  function Pin() {
    const pin = useEncryptedField({ publicKey, name: 'transactionPin' })
    return <input {...pin.hiddenInputProps} />
  }
  expect(renderToString(<Pin />)).toBe('<input type="hidden" name="transactionPin" value=""/>')
})
