// The second mistake: the sandbox imported at the top of instrumentation.ts,
// which Next.js also builds for the Edge runtime (where it gets the Node-only stub).
import { startSandbox } from 'fincode-secure/sandbox'

export async function register(): Promise<void> {
  if (process.env.FINCODE_SANDBOX_PORT) await startSandbox({ port: Number(process.env.FINCODE_SANDBOX_PORT) })
}
