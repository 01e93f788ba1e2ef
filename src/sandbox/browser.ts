// What a browser build gets for `fincode-secure/sandbox` (the `browser` export
// condition): none of its names, and an error as soon as it loads. The sandbox
// holds private keys and API tokens and listens with node:http.
import { FincodeSecureError } from '../errors.js'

// One export, and none of the real names: esbuild treats a named import from a
// module without exports as a warning ("will always be undefined"), from a module
// with exports as an error ("No matching export"). Its name is what Turbopack
// suggests instead ("Did you mean to import …?"), so it says why.
export const serverOnly = 'fincode-secure/sandbox is for server code only (ERR_TOKEN_IN_BROWSER)'

throw new FincodeSecureError(
  'ERR_TOKEN_IN_BROWSER',
  'fincode-secure/sandbox was loaded in a browser build. The sandbox holds private keys and API tokens and runs in Node only. ' +
    'Start it from a Node process (npx fincode-secure sandbox, a test setup file, or Next.js instrumentation.ts when NEXT_RUNTIME is "nodejs") and, in the page, encrypt fields with fincode-secure or fincode-secure/react.',
)
