// Key-rotation recovery travels with the key source, not with the forms: each
// source made by createFincodeKeySource is registered here with the recovery
// routine, and the forms controller looks it up at submit. A form given a fixed
// key (text or an imported key) has nothing to refresh, so its bundle carries
// neither the routine nor the rotated-key answer's reader.
import type { FincodeKeySource } from './key-source.js'
import type { submitWithKeyRecovery } from './recover.js'

export const recoveryOf = /* @__PURE__ */ new WeakMap<FincodeKeySource, typeof submitWithKeyRecovery>()
