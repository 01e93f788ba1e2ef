// Entry for the command-line runtimes (Node, Deno, Bun). It is copied next to a
// node_modules/fincode-secure unpacked from `npm pack`, so the bare specifiers
// below resolve through the package's own `exports` map, as in a user's project.
//   <runtime> entry-cli.mjs <origin> <runId>
import { main } from './harness.mjs'

const [origin, runId] = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2)
await main({
  origin,
  runId,
  kind: 'server',
  loadLib: () => import('fincode-secure'),
  loadServer: () => import('fincode-secure/server'),
})
