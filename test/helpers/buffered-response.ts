// happy-dom's Response.clone() of a response read from a socket empties both bodies
// (capricorn86/happy-dom#2353, open), and the recovery reads a 409 from a clone, as
// browsers allow. The happy-dom tests hand it buffered responses, which clone correctly;
// the browser tests (recover.browser.test.ts, form-recovery.browser.test.tsx) hand over
// fetch's own Response.

/** `response` with its body read into memory: a Response whose clone() keeps the body in happy-dom. */
export async function buffered(response: Response): Promise<Response> {
  return new Response(await response.text(), { status: response.status, headers: response.headers })
}

/** `fetchImpl` with every answer buffered (see above). */
export function bufferedFetch(fetchImpl: typeof fetch): typeof fetch {
  return async (...args: Parameters<typeof fetch>) => buffered(await fetchImpl(...args))
}
