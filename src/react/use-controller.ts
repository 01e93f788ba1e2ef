import { useLayoutEffect, useState } from 'react'
import type { FincodeFormError } from './errors.js'
import type { EncryptedFieldStatus } from './types.js'

/**
 * The one place React is called. A controller (made once, outside React) holds a
 * field's or a group's state and calls `render()` when it changed; it gets the
 * latest props after every render, in a layout effect: before any event can
 * submit. React runs no effect on the server, so SSR renders and imports no key.
 */
export function useController<C>(create: (render: () => void) => C, configure: (controller: C) => void | (() => void)): C {
  const [, render] = useState<object>()
  const [controller] = useState(() => create(() => render({})))
  useLayoutEffect(() => configure(controller))
  return controller
}

/** `status`, `error` and `validationMessage`, as both hooks report them. */
export const summary = (error: FincodeFormError | null | undefined, busy: boolean | undefined, ready: boolean) => ({
  status: (error ? 'error' : busy ? 'encrypting' : ready ? 'ready' : 'idle') as EncryptedFieldStatus,
  error: error || null,
  validationMessage: error?.code == 'ERR_VALUE_INVALID' ? error.message : null,
})
