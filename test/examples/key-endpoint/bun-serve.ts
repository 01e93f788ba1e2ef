// The key endpoint with Bun.serve (docs/key-rotation.md).
import { createPublicKeyHandler } from 'fincode-secure/server'

const fincodeKey = createPublicKeyHandler(() => Bun.env.FINCODE_PUBLIC_KEY ?? '')

Bun.serve({
  port: Number(Bun.env.PORT ?? 3000),
  routes: { '/api/fincode-key': fincodeKey },
  fetch: () => new Response('Not found', { status: 404 }),
})
