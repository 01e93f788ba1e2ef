// Cloudflare workerd, through miniflare: the suite bundled as a Worker module
// (as wrangler would), the endpoint's origin passed as a text binding.
import { join } from 'node:path'
import { binaries, requireRuntimePackage, runtimePackageVersion } from './install.js'
import { abortable, versionOf, withTimeout } from './processes.js'
import type { Runtime } from './matrix.js'
import { bundleEntry } from './package.js'

interface MiniflareModule {
  Miniflare: new (options: Record<string, unknown>) => {
    dispatchFetch(url: string): Promise<{ text(): Promise<string> }>
    dispose(): Promise<void>
  }
}

// The newest date workerd 2026-04-26 knows; the flags of that date apply.
const COMPATIBILITY_DATE = '2026-04-26'

export const workerd: Runtime = {
  label: 'workerd (miniflare)',
  kind: 'server',
  fromRuntimePackages: true,
  async run(matrix, context) {
    const script = await bundleEntry(matrix.lib, 'entry-worker.mjs', 'workerd', 'esm')
    const version = `${(await versionOf(binaries.workerd())).replace(/^workerd /, '')} (miniflare ${runtimePackageVersion('miniflare')})`
    const { Miniflare } = requireRuntimePackage<MiniflareModule>('miniflare')
    const mf = new Miniflare({
      modules: [{ type: 'ESModule', path: join(matrix.workDir, 'worker.mjs'), contents: script }],
      modulesRoot: matrix.workDir,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { ORIGIN: matrix.endpoint.origin, RUN_ID: context.runId },
    })
    try {
      const response = await abortable(mf.dispatchFetch('http://localhost/'), context.signal)
      await response.text()
      return { version, report: await abortable(matrix.endpoint.report(context.runId), context.signal) }
    } finally {
      await withTimeout(mf.dispose(), 15_000, 'miniflare dispose').catch(() => undefined)
    }
  },
}
