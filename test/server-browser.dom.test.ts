// In a real DOM (happy-dom: window, document, fetch), the server client refuses to
// start: an API token in a page is readable by anyone who opens it.
import { expect, test } from 'vitest'
import { createFincodeClient } from '../src/server/index.js'

const options = { baseUrl: 'https://acme.fincode.software/api/v6', token: 'fcs_page_token', publicKey: 'MIIB', uuid: 'u-1' }

test('createFincodeClient in a page throws ERR_TOKEN_IN_BROWSER without printing the token', () => {
  expect(typeof document.createElement).toBe('function')
  let caught: any
  try {
    createFincodeClient(options)
  } catch (error) {
    caught = error
  }
  expect(caught?.code).toBe('ERR_TOKEN_IN_BROWSER')
  expect(caught.message).not.toContain('fcs_page_token')
})

test('dangerouslyAllowBrowser: true is the explicit way out', () => {
  expect(createFincodeClient({ ...options, dangerouslyAllowBrowser: true }).uuid).toBe('u-1')
})
