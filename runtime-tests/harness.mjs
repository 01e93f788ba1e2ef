// Runs the conformance suite inside a runtime and reports to the Node test that
// started it, over HTTP on 127.0.0.1 — the one channel every runtime of the
// matrix has (a browser page, a Worker, an edge VM, a Deno process…):
//   GET  {origin}/fixtures.json       keys and bad inputs generated in Node
//   POST {origin}/decrypt             Node's privateDecrypt of a ciphertext made here
//   POST {origin}/results/{runId}     { results } or { fatal } when the library did not even load
import { run } from './conformance.mjs'

async function postJson(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await response.text()
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text}`)
  return text ? JSON.parse(text) : undefined
}

function describeError(error) {
  return error instanceof Error ? `${error.name}: ${error.message}${error.cause ? ` (cause: ${describeError(error.cause)})` : ''}` : String(error)
}

/**
 * kind: 'server' or 'browser' (which cases apply); loadLib/loadServer: how
 * this runtime loads `fincode-secure` and `fincode-secure/server`; browsers also
 * give loadServerInBrowser, for `fincode-secure/server/dangerously-allow-browser`.
 */
export async function main({ origin, runId, kind, loadLib, loadServer, loadServerInBrowser }) {
  let report
  try {
    const fixtures = await (await fetch(`${origin}/fixtures.json`)).json()
    let lib
    try {
      lib = await loadLib()
    } catch (error) {
      throw new Error(`importing fincode-secure failed: ${describeError(error)}`)
    }
    const results = await run(lib, {
      kind,
      fixtures,
      origin,
      decrypt: async (key, ciphertext) => (await postJson(`${origin}/decrypt`, { key, ciphertext })).plaintext,
      loadServer: async () => {
        try {
          return await loadServer()
        } catch (error) {
          throw new Error(`importing fincode-secure/server failed: ${describeError(error)}`, { cause: error })
        }
      },
      loadServerInBrowser,
    })
    report = { results }
  } catch (error) {
    report = { fatal: describeError(error) }
  }
  await postJson(`${origin}/results/${runId}`, report)
  return report
}
