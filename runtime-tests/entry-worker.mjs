// Entry for Cloudflare workerd (run by miniflare). Bundled by esbuild with the
// `workerd`/`worker` export conditions, as wrangler bundles a Worker; the bare
// specifiers resolve through the packed package's `exports` map.
// Bindings: ORIGIN (the Node test's endpoint) and RUN_ID.
import { main } from './harness.mjs'

export default {
  async fetch(_request, env) {
    const report = await main({
      origin: env.ORIGIN,
      runId: env.RUN_ID,
      kind: 'server',
      loadLib: () => import('fincode-secure'),
      loadServer: () => import('fincode-secure/server'),
    })
    return new Response(report.fatal ? 'fatal' : 'done')
  },
}
