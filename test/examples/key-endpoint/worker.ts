// The key endpoint in a Cloudflare Worker (docs/key-rotation.md): the key is a secret or a
// variable of the Worker (wrangler secret put FINCODE_PUBLIC_KEY), read from env on each request.
import { createPublicKeyHandler } from 'fincode-secure/server'

export interface Env {
  FINCODE_PUBLIC_KEY: string
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname === '/api/fincode-key') return createPublicKeyHandler(() => env.FINCODE_PUBLIC_KEY)(request)
    return new Response('Not found', { status: 404 })
  },
}
