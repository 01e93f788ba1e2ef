// Vercel's edge-runtime: @edge-runtime/vm's EdgeVM evaluates classic scripts,
// so the suite goes in as an IIFE bundle (edge-light conditions, as Next.js
// bundles middleware) and is started by a call inside the VM.
import { requireRuntimePackage, runtimePackageVersion } from './install.js'
import { abortable } from './processes.js'
import type { Runtime } from './matrix.js'
import { bundleEntry } from './package.js'

interface EdgeVmModule {
  EdgeVM: new () => { evaluate<T>(code: string): T; context: Record<string, unknown> }
}

export const edgeRuntime: Runtime = {
  label: 'edge-runtime',
  kind: 'server',
  fromRuntimePackages: true,
  async run(matrix, context) {
    const script = await bundleEntry(matrix.lib, 'entry-edge.mjs', 'edge-light', 'iife')
    const version = `${runtimePackageVersion('edge-runtime')} (@edge-runtime/vm ${runtimePackageVersion('@edge-runtime/vm')})`
    const { EdgeVM } = requireRuntimePackage<EdgeVmModule>('@edge-runtime/vm')
    const vm = new EdgeVM()
    if (vm.context.EdgeRuntime !== 'edge-runtime') throw new Error(`EdgeVM's EdgeRuntime global is ${String(vm.context.EdgeRuntime)}`)
    vm.evaluate(script)
    const start = JSON.stringify({ origin: matrix.endpoint.origin, runId: context.runId })
    // The VM lives in this process: nothing to close once its promise settles.
    await abortable(vm.evaluate<Promise<unknown>>(`globalThis.runFincodeConformance(${start})`), context.signal)
    return { version, report: await abortable(matrix.endpoint.report(context.runId), context.signal) }
  },
}
