import { FincodeSecureError } from '../errors.js'

/** One request's time limit and cancellation, merged into a single signal whose reason is a typed error. */
export interface Deadline {
  readonly signal: AbortSignal
  /** Settles with `promise`, or rejects with the abort reason as soon as the request is aborted or times out. */
  race<T>(promise: T | PromiseLike<T>): Promise<T>
  /** Clears the timer and listeners; call when the request ends. */
  done(): void
}

export function withDeadline(signals: (AbortSignal | undefined)[], timeoutMs: number, what: string): Deadline {
  const controller = new AbortController()
  const { signal } = controller
  const timer = setTimeout(() => {
    controller.abort(new FincodeSecureError('ERR_TIMEOUT', `${what} timed out after ${timeoutMs} ms (options.timeoutMs); the server may still have processed it.`))
  }, timeoutMs)
  const outer = signals.filter((s): s is AbortSignal => s !== undefined)
  const onAbort = (event?: Event) => {
    const source = (event?.target as AbortSignal | undefined) ?? outer.find((s) => s.aborted)
    controller.abort(new FincodeSecureError('ERR_ABORTED', `${what} was aborted by its AbortSignal; see cause for the reason given.`, { cause: source?.reason }))
  }
  for (const s of outer) {
    if (s.aborted) onAbort()
    else s.addEventListener('abort', onAbort, { once: true })
  }
  return {
    signal,
    race<T>(promise: T | PromiseLike<T>): Promise<T> {
      const settling = Promise.resolve(promise)
      if (signal.aborted) {
        // The loser may still reject later (fetch does, with the abort reason): not an unhandled rejection.
        settling.catch(() => {})
        return Promise.reject(signal.reason)
      }
      return new Promise<T>((resolve, reject) => {
        const stop = () => reject(signal.reason)
        signal.addEventListener('abort', stop, { once: true })
        settling.then(
          (v) => (signal.removeEventListener('abort', stop), resolve(v)),
          (e) => (signal.removeEventListener('abort', stop), reject(e)),
        )
      })
    },
    done() {
      clearTimeout(timer)
      for (const s of outer) s.removeEventListener('abort', onAbort)
    },
  }
}
