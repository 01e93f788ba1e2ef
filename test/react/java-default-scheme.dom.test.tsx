// useEncryptedField takes { scheme: javaDefault } like the core: what it submits
// is SHA-256 / MGF1-SHA-1, the variant a Java-default server decrypts.
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, expect, test } from 'vitest'
import { javaDefault } from '../../src/java-default.js'
import type { EncryptedField } from '../../src/react/index.js'
import { nodeDecrypt } from '../helpers/decrypt.js'
import { testKeyPair } from '../helpers/keys.js'
import { referenceDecrypt } from '../helpers/oaep-reference.js'
import { captureNativePosts, TrialForm, typeInto } from './harness.js'

afterEach(cleanup)

const { publicKey, privateKey } = testKeyPair(2048)

test('with scheme javaDefault the posted ciphertext decrypts with MGF1-SHA-1, and not with SHA-256 / SHA-256', async () => {
  const field = { current: null as EncryptedField | null }
  const posts = captureNativePosts()
  try {
    const view = render(<TrialForm mode="native" fieldRef={field} publicKey={publicKey} scheme={javaDefault} />)
    const input = view.getByTestId('pin') as HTMLInputElement
    typeInto(input, '048213')
    await act(async () => input.form!.requestSubmit())
    await waitFor(() => expect(posts.posts).toHaveLength(1))
    const posted = String(posts.posts[0]!.get('transactionPin'))
    expect(referenceDecrypt(posted, privateKey, 'sha1').toString('utf8')).toBe('048213')
    expect(() => nodeDecrypt(posted, privateKey)).toThrow()
  } finally {
    posts.stop()
  }
})
