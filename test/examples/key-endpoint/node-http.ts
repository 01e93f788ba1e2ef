// The key endpoint behind Node's own http server (docs/key-rotation.md).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createPublicKeyHandler } from 'fincode-secure/server'

const fincodeKey = createPublicKeyHandler(() => process.env.FINCODE_PUBLIC_KEY ?? '')

export async function serveFincodeKey(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The handler reads only the method and If-None-Match. fetch's Request cannot hold TRACE,
  // so every method but GET and HEAD goes in as POST, which the handler answers with 405.
  const method = req.method === 'GET' || req.method === 'HEAD' ? req.method : 'POST'
  const ifNoneMatch = req.headers['if-none-match']
  try {
    const response = await fincodeKey(new Request('http://localhost/', { method, headers: ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : {} }))
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  } catch (error) {
    console.error(error) // no key, or a bad one: its ERR_KEY_* code and message say what to fix
    res.writeHead(500).end()
  }
}

export const server = createServer((req, res) => {
  if (new URL(req.url ?? '/', 'http://localhost').pathname === '/api/fincode-key') void serveFincodeKey(req, res)
  else res.writeHead(404).end()
})
// server.listen(3000)
