// The key endpoint in Hono (docs/key-rotation.md): it hands the handler the fetch Request itself.
import { Hono } from 'hono'
import { createPublicKeyHandler } from 'fincode-secure/server'

const fincodeKey = createPublicKeyHandler(() => process.env.FINCODE_PUBLIC_KEY ?? '')

export const app = new Hono()
app.all('/api/fincode-key', (c) => fincodeKey(c.req.raw))
