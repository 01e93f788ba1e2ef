// Serves the test page (test/dom/page/), the built package (dist/) and a /post
// endpoint that records what a native form post carried. Listens on every
// interface: 127.0.0.1 is a secure context, the machine's other address is not.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { networkInterfaces } from 'node:os'
import { extname, join, normalize } from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }

export interface PageServer {
  url: string
  /** The same server at an address that is not loopback (a non-secure origin), or null if the machine has none. */
  insecureUrl: string | null
  /** Bodies of the native posts received, in order. */
  posts: URLSearchParams[]
  stop(): Promise<void>
}

export async function startPageServer(publicKey: string): Promise<PageServer> {
  const posts: URLSearchParams[] = []
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname
    if (request.method === 'POST' && path === '/post') {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        posts.push(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
        response.writeHead(200, { 'content-type': 'text/html' }).end('<p>received</p>')
      })
      return
    }
    const file = path === '/' ? 'test/dom/page/form.html' : normalize(path.slice(1))
    if (!file.startsWith('dist/') && !file.startsWith('page/') && !file.startsWith('test/dom/page/')) return void response.writeHead(404).end()
    try {
      let body = readFileSync(join(root, file.startsWith('page/') ? `test/dom/${file}` : file), 'utf8')
      if (file.endsWith('form.html')) body = body.replace('%PUBLIC_KEY%', publicKey)
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'text/plain', 'cache-control': 'no-store' }).end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
  const { port } = server.address() as { port: number }
  const other = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && address.family === 'IPv4')
  return {
    url: `http://127.0.0.1:${port}`,
    insecureUrl: other ? `http://${other.address}:${port}` : null,
    posts,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
