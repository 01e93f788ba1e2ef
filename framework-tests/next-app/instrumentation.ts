// Next.js runs register() once per server runtime, Node and Edge. The sandbox
// needs Node (node:http, node:fs), so it is imported only when NEXT_RUNTIME is
// 'nodejs': Next.js inlines that variable per runtime, and the Edge build drops
// the import. Imported at the top of this file instead, the Edge build would get
// fincode-secure/sandbox's Edge stub, which throws ERR_RUNTIME_UNSUPPORTED.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.FINCODE_SANDBOX_PORT) {
    const { startSandbox } = await import('fincode-secure/sandbox')
    const sandbox = await startSandbox({
      port: Number(process.env.FINCODE_SANDBOX_PORT),
      dataDir: process.env.FINCODE_SANDBOX_DIR ?? '.fincode-sandbox',
    })
    console.log(`fincode sandbox: ${sandbox.apiUrl}`)
  }
}
