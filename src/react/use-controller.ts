import { useLayoutEffect, useReducer, useState } from 'react'
import type { FincodeFormError } from '../forms/errors.js'
import type { EncryptedFieldStatus } from './types.js'

/**
 * The one place React state is used. A controller (made once, outside React)
 * holds a field's or a group's state and calls `render()` when it changed; it
 * gets the latest props after every render, in a layout effect: before any
 * event can submit. React runs no effect on the server, so SSR imports no key.
 */
export function useController<C>(create: (render: () => void) => C, configure: (controller: C) => void | (() => void)): C {
  const [, render] = useReducer((renders: number) => renders + 1, 0)
  const [controller] = useState(() => create(render))
  useLayoutEffect(() => configure(controller))
  return controller
}

/** `status`, `error` and `validationMessage`, as both hooks report them. */
export function summary(error: FincodeFormError | null, encrypting: boolean, ready: boolean, retrying: boolean) {
  let status: EncryptedFieldStatus = 'idle'
  if (error) status = 'error'
  else if (retrying) status = 'retrying'
  else if (encrypting) status = 'encrypting'
  else if (ready) status = 'ready'
  return {
    status,
    error,
    validationMessage: error?.code === 'ERR_VALUE_INVALID' ? error.message : null,
  }
}
