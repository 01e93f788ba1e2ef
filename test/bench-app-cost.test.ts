// `npm run bench` builds the framework apps a second time with fincode-secure/react replaced by a
// do-nothing shim (bench/app-cost.mjs). The bench is not part of `npm test`, so a name added to the
// React entry once broke that baseline build unnoticed; this keeps the shim in step with the entry.
import { expect, test } from 'vitest'
// @ts-expect-error -- a plain .mjs script of the bench, without types
import { checkShim } from '../bench/app-cost.mjs'

test("the app-cost baseline shim names every value fincode-secure/react exports (dist/, built by npm test)", async () => {
  await expect(checkShim()).resolves.toBeUndefined()
})
