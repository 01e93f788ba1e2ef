// The page of the Firefox and WebKit key-rotation tests (bundled by engine-rig.ts):
// a PIN input, the key from the app's key endpoint, a rotation out of band (the
// app's test route plays the admin), then a submission that must recover by itself.
import { createFincodeKeySource, encryptPayload, submitWithKeyRecovery } from '../../src/index.js'

export interface EngineRun {
  statuses: number[]
  used: string[]
  rotatedTo: string[]
  accepted: boolean
  inputAfter: string
  error: string | null
}

async function run(appUrl: string, rotations: number): Promise<EngineRun> {
  const source = createFincodeKeySource(`${appUrl}/api/fincode-key`)
  await source.current()
  const input = document.body.appendChild(document.createElement('input'))
  input.type = 'password'
  input.value = '482913'
  const rotatedTo: string[] = []
  for (let i = 0; i < rotations; i++) rotatedTo.push((await (await fetch(`${appUrl}/test/rotate`, { method: 'POST' })).json()).fingerprint)
  const statuses: number[] = []
  const used: string[] = []
  try {
    const response = await submitWithKeyRecovery({
      keySource: source,
      encrypt: async (key) => (used.push(key.fingerprint), { transactionPin: await encryptPayload(input.value, key) }),
      send: async (values) => {
        // The engine's own Response goes back: recovery reads the 409 from its clone.
        const answer = await fetch(`${appUrl}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) })
        statuses.push(answer.status)
        return answer
      },
    })
    const body = await response.json()
    return { statuses, used, rotatedTo, accepted: body?.fields?.[0]?.decrypted === true, inputAfter: input.value, error: null }
  } catch (error) {
    return { statuses, used, rotatedTo, accepted: false, inputAfter: input.value, error: String((error as Error).message) }
  }
}

;(window as unknown as { rotationPage: { run: typeof run } }).rotationPage = { run }
