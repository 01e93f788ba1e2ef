// The few members of Deno's and Bun's globals that deno-serve.ts and bun-serve.ts use, so that
// this repository's typecheck compiles them (Deno's and Bun's own types are not installed here).
// test/key-endpoint-recipes.test.ts runs both files in the real runtimes.
declare namespace Deno {
  const env: { get(name: string): string | undefined }
  function serve(options: { port?: number; hostname?: string }, handler: (request: Request) => Response | Promise<Response>): unknown
}

declare namespace Bun {
  const env: Record<string, string | undefined>
  function serve(options: {
    port?: number
    routes?: Record<string, (request: Request) => Response | Promise<Response>>
    fetch: (request: Request) => Response | Promise<Response>
  }): unknown
}
