// What a browser build gets for `fincode-secure/server` (the `browser` export
// condition). It exports none of the client's names, so a bundler that checks
// imports (Vite/Rolldown, esbuild, Turbopack) fails the build at the importing
// line, and one that does not gets a module that throws as soon as it loads:
// either way no API-token client, and no token, reaches a page.
import { FincodeSecureError } from '../errors.js'

// One export, and none of the real names: esbuild treats a named import from a
// module without exports as a warning ("will always be undefined"), from a module
// with exports as an error ("No matching export"). Its name is what Turbopack
// suggests instead ("Did you mean to import …?"), so it says why.
export const serverOnly = 'fincode-secure/server is for server code only (ERR_TOKEN_IN_BROWSER)'

throw new FincodeSecureError(
  'ERR_TOKEN_IN_BROWSER',
  'fincode-secure/server was loaded in a browser build. Its client sends your FinCode API token, and anything in a page is readable by anyone who opens it. ' +
    'Import fincode-secure/server only from server code (a Server Action, a route handler, an API server) and, in the page, encrypt fields with fincode-secure or fincode-secure/react. ' +
    'If you really mean to call FinCode from a page, import fincode-secure/server/dangerously-allow-browser and pass dangerouslyAllowBrowser: true.',
)
