// The React examples of docs/react.md (once the README's) (test/react/examples/) when something is wrong
// with the setup rather than the value: a bad key, a key not loaded yet, a page
// without WebCrypto (plain http). Each must say so in the page and submit
// nothing. Run in happy-dom and in Chromium. DOM-only: no node: imports.
import { act, cleanup, render, type RenderResult } from '@testing-library/react'
import type { ReactElement } from 'react'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { ActionForm } from './examples/action-form.js'
import { ChangePinForm } from './examples/change-pin-form.js'
import { HookFormTransfer } from './examples/hook-form.js'
import { TransactionPinForm } from './examples/transaction-pin-form.js'
import { captureNativePosts, typeInto } from './harness.js'

interface Example {
  render(publicKey: string | null, submitted: unknown[]): ReactElement
  /** Fills every field with a valid value. */
  fill(view: RenderResult): void
}

const examples: Record<string, Example> = {
  'TransactionPinForm (native post)': {
    render: (publicKey) => <TransactionPinForm publicKey={publicKey} />,
    fill: (view) => typeInto(view.getByLabelText('PIN') as HTMLInputElement, '482913'),
  },
  'ChangePinForm (useEncryptedFields, handleSubmit)': {
    render: (publicKey, submitted) => <ChangePinForm publicKey={publicKey} onSave={(values) => submitted.push(values)} />,
    fill: (view) => {
      const [current, next, confirm] = view.getAllByLabelText(/PIN/) as HTMLInputElement[]
      typeInto(current!, '1111')
      typeInto(next!, '482913')
      typeInto(confirm!, '482913')
    },
  },
  'ActionForm (React 19 action)': {
    render: (publicKey, submitted) => <ActionForm publicKey={publicKey} save={async (data) => void submitted.push(data)} />,
    fill: (view) => typeInto(view.container.querySelector('input[type=password]')!, '482913'),
  },
  'HookFormTransfer (react-hook-form)': {
    render: (publicKey, submitted) => <HookFormTransfer publicKey={publicKey} onValid={(data) => void submitted.push(data)} />,
    fill: (view) => {
      const [amount, pin] = view.container.querySelectorAll<HTMLInputElement>('input:not([type=hidden])')
      typeInto(amount!, '1200')
      typeInto(pin!, '482913')
    },
  },
}

export function defineReadmeExampleTests(keyPair: () => Promise<{ publicKey: string }>): void {
  let publicKey: string
  beforeAll(async () => {
    publicKey = (await keyPair()).publicKey
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  const cases: [name: string, setup: () => string | null, shown: string][] = [
    ['a bad key', () => 'not a key', 'Payments are unavailable right now (encryption key).'],
    ['the key not loaded yet', () => null, 'Still loading, please try again in a moment.'],
    [
      'a page without WebCrypto (plain http)',
      () => {
        // Browsers give crypto.subtle only to https:// and localhost pages. A key text not imported before
        // (a leading space) is imported now, without WebCrypto.
        vi.stubGlobal('crypto', { getRandomValues: <T extends ArrayBufferView>(array: T) => array })
        return ` ${publicKey}`
      },
      'This page must be opened over https.',
    ],
  ]

  describe.each(Object.entries(examples))('%s', (_, example) => {
    test.each(cases)('%s: the page says so, and nothing is submitted', async (_, setup, shown) => {
      const submitted: unknown[] = []
      const posts = captureNativePosts()
      try {
        const view = render(example.render(setup(), submitted))
        example.fill(view)
        await act(async () => (view.getByRole('button') as HTMLButtonElement).click())
        expect((await view.findByRole('alert')).textContent).toBe(shown)
        await act(() => new Promise((resolve) => setTimeout(resolve, 100)))
        expect(submitted).toEqual([])
        expect(posts.posts).toEqual([])
      } finally {
        posts.stop()
      }
    })
  })
}
