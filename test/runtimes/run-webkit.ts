// WebKitGTK: MiniBrowser driven by WebKitWebDriver on its own Xvfb, through the
// shared driver in test/helpers/webkit-webdriver.ts (also used by the demo's
// e2e test). The launch and every wait give up at the runtime's deadline.
import { launchWebKit, webkitMissing, type WebKitSession } from '../helpers/webkit-webdriver.js'
import { pageReport, pageUrl, type Runtime } from './matrix.js'
import { abortable } from './processes.js'

export const webkit: Runtime = {
  label: 'WebKitGTK',
  kind: 'browser',
  fromRuntimePackages: false,
  missing: () => webkitMissing() ?? undefined,
  async run(matrix, context) {
    let session: WebKitSession | undefined
    try {
      // The old per-step budgets (Xvfb 20 s, driver 20 s, session 60 s) as one; the deadline still bounds it.
      session = await launchWebKit({ timeoutMs: 100_000, signal: context.signal })
      await abortable(session.navigate(pageUrl(matrix, context)), context.signal)
      const report = await pageReport(matrix, context, [])
      return { version: session.browserVersion, report }
    } finally {
      await session?.close()
    }
  },
}
