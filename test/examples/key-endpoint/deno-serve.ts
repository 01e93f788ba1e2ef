// The key endpoint with Deno.serve (docs/key-rotation.md).
// deno run --allow-net --allow-env=FINCODE_PUBLIC_KEY,PORT deno-serve.ts
import { createPublicKeyHandler } from 'fincode-secure/server'

const fincodeKey = createPublicKeyHandler(() => Deno.env.get('FINCODE_PUBLIC_KEY') ?? '')

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000) }, (request) =>
  new URL(request.url).pathname === '/api/fincode-key' ? fincodeKey(request) : new Response('Not found', { status: 404 }),
)
