// What Workers and Edge builds (the `workerd`, `worker` and `edge-light` export
// conditions) get for `fincode-secure/sandbox`: it needs node:http, node:fs and
// node:crypto, which they lack. Without this module such a build failed later,
// on every request, with "node:http not found"; now it fails on load and says why.
import { FincodeSecureError } from '../errors.js'

// One export, and none of the real names: esbuild treats a named import from a
// module without exports as a warning ("will always be undefined"), from a module
// with exports as an error ("No matching export"). Its name is what Turbopack
// suggests instead ("Did you mean to import …?"), so it says why.
export const nodeOnly = 'fincode-secure/sandbox runs in Node only (ERR_RUNTIME_UNSUPPORTED)'

throw new FincodeSecureError(
  'ERR_RUNTIME_UNSUPPORTED',
  'fincode-secure/sandbox was loaded in a Worker or Edge runtime; it runs in Node only (it listens with node:http and keeps keys on disk). ' +
    'In Next.js instrumentation.ts, import it inside `if (process.env.NEXT_RUNTIME === "nodejs")` with `await import("fincode-secure/sandbox")`, never at the top of the file. ' +
    'Edge code can still call the running sandbox over HTTP with fincode-secure/server.',
)
