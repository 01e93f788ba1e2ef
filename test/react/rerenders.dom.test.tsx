// Typing a PIN must not re-render the form per keystroke (that would mean the
// value, or something derived from it, is in React state). Counted with React's
// Profiler, one keystroke per macrotask so that any render React scheduled runs.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { Profiler, useState, type ReactNode } from 'react'
import { afterEach, expect, test } from 'vitest'
import type { EncryptedField } from '../../src/react/index.js'
import { testKeyPair } from '../helpers/keys.js'
import { TrialForm, typeInto } from './harness.js'

afterEach(cleanup)

const pause = () => new Promise((resolve) => setTimeout(resolve, 5))

/** Renders `children` and returns a counter of the commits in which they re-rendered. */
function profiled(children: ReactNode) {
  const counter = { updates: 0 }
  const view = render(
    <Profiler id="form" onRender={(_id, phase) => phase !== 'mount' && counter.updates++}>
      {children}
    </Profiler>,
  )
  return { view, counter }
}

async function typeSlowly(input: HTMLInputElement, text: string) {
  for (const char of text) {
    typeInto(input, char)
    await pause()
  }
  await pause()
}

async function mountedField() {
  const { publicKey } = testKeyPair(2048)
  const field = { current: null as EncryptedField | null }
  const { view, counter } = profiled(<TrialForm publicKey={publicKey} mode="handler" fieldRef={field} validate={(v) => (/^\d{4,6}$/.test(v) ? null : 'Use four to six digits.')} />)
  await waitFor(() => expect(field.current!.fingerprint).not.toBeNull())
  await pause()
  return { view, counter, field, input: view.getByTestId('pin') as HTMLInputElement }
}

test('the Profiler does count renders: a controlled input re-renders on each of 6 keystrokes', async () => {
  function ControlledPin() {
    const [value, setValue] = useState('')
    return <input data-testid="pin" value={value} onChange={(e) => setValue(e.target.value)} />
  }
  const { view, counter } = profiled(<ControlledPin />)
  await typeSlowly(view.getByTestId('pin') as HTMLInputElement, '482913')
  expect(counter.updates).toBe(6)
})

test('typing a 6-digit PIN into a fresh field re-renders the form 0 times', async () => {
  const { counter, input } = await mountedField()
  counter.updates = 0
  await typeSlowly(input, '482913')
  expect(counter.updates).toBeLessThanOrEqual(1)
  expect(counter.updates).toBe(0)
})

test('typing a 6-digit PIN after an error re-renders once, to clear the error', async () => {
  const { counter, input, field } = await mountedField()
  typeInto(input, '12')
  await act(() => field.current!.encrypt().catch(() => {}))
  expect(field.current!.status).toBe('error')
  input.value = ''
  counter.updates = 0
  await typeSlowly(input, '482913')
  expect(counter.updates).toBe(1)
  expect(field.current!.status).toBe('idle')
})

test('typing a 6-digit PIN after encrypt() re-renders once, to drop the stale ciphertext', async () => {
  const { counter, input, field } = await mountedField()
  typeInto(input, '1234')
  await act(() => field.current!.encrypt())
  expect(field.current!.status).toBe('ready')
  input.value = ''
  counter.updates = 0
  await typeSlowly(input, '482913')
  expect(counter.updates).toBe(1)
  expect(field.current!.ciphertext).toBe('')
})
