// The key endpoint in Express 5 (docs/key-rotation.md).
import express from 'express'
import { createPublicKeyHandler } from 'fincode-secure/server'

const fincodeKey = createPublicKeyHandler(() => process.env.FINCODE_PUBLIC_KEY ?? '')

export const app = express()

// app.all, so that POST and the rest reach the handler and get its 405 (not Express's 404).
// Express 5 passes a rejection (a bad or missing key) to its error handler: a 500, logged.
app.all('/api/fincode-key', async (req, res) => {
  const method = req.method === 'GET' || req.method === 'HEAD' ? req.method : 'POST'
  const ifNoneMatch = req.get('If-None-Match')
  const response = await fincodeKey(new Request('http://localhost/', { method, headers: ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : {} }))
  res.status(response.status).set(Object.fromEntries(response.headers)).send(Buffer.from(await response.arrayBuffer()))
})
// app.listen(3000)
