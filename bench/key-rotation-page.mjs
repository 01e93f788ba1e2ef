// The page half of the key-rotation benchmark (bundled by bench/key-rotation.mjs):
// a PIN input, the key loaded from the app's key endpoint, and submissions that
// recover from a rotated key. Times are taken with performance.now() in the page.
import { createFincodeKeySource, encryptPayload, submitWithKeyRecovery } from '../dist/index.js'

window.rotationBench = {
  /**
   * One round: the key is rotated out of band (window.benchRotate, from Node), then the form is submitted.
   * Returns the times from the arrival of the rotated-key refusal to the new key in hand, and to the accepted resubmission.
   */
  async round(appUrl) {
    const source = (window.rotationSource ??= createFincodeKeySource(`${appUrl}/api/fincode-key`))
    await source.current()
    const input = (window.rotationInput ??= Object.assign(document.body.appendChild(document.createElement('input')), { type: 'password' }))
    input.value = '482913'
    await window.benchRotate()
    const marks = {}
    const statuses = []
    await submitWithKeyRecovery({
      keySource: source,
      encrypt: async (key) => ({ transactionPin: await encryptPayload(input.value, key) }),
      send: async (values, attempt) => {
        const response = await fetch(`${appUrl}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) })
        statuses.push(response.status)
        if (attempt === 1) marks.refused = performance.now()
        else marks.accepted = performance.now()
        return response
      },
      onRetry: () => (marks.newKey = performance.now()),
    })
    if (statuses.join() !== '409,200') throw new Error(`expected a refusal then an acceptance, got ${statuses.join(', ')}`)
    return { toAccepted: marks.accepted - marks.refused, toNewKey: marks.newKey - marks.refused }
  },
}
