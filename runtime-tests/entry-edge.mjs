// Entry for Vercel's edge-runtime (@edge-runtime/vm), which evaluates classic
// scripts, not modules: esbuild bundles this into an IIFE with the `edge-light`/
// `worker` export conditions, as Next.js bundles middleware. The test then calls
// globalThis.runFincodeConformance({ origin, runId }) inside the VM.
import { main } from './harness.mjs'

globalThis.runFincodeConformance = ({ origin, runId }) =>
  main({
    origin,
    runId,
    kind: 'server',
    loadLib: () => import('fincode-secure'),
    loadServer: () => import('fincode-secure/server'),
  })
