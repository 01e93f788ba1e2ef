// Gives the event loop a turn, so that a long BigInt computation on the main
// thread is cut into short tasks and input, rendering and timers run in between.
// An `await` on a resolved promise is not enough: microtasks run before the
// browser gets control back.

type Scheduler = { yield?: () => Promise<void> }
type SetImmediate = (callback: () => void) => unknown

/** Resolves in a later macrotask; the cheapest mechanism the runtime offers, measured in bench/java-default.mjs. */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler
  // Chromium (129+) and browsers that ship it: a task that keeps this work's priority, ~18 µs measured in Chromium 156.
  if (typeof scheduler?.yield === 'function') return scheduler.yield()
  // Node (7-17 µs measured on the loaded 2-core machine); Bun has it too (not measured). No clamping.
  const immediate = (globalThis as { setImmediate?: SetImmediate }).setImmediate
  if (typeof immediate === 'function') return new Promise((resolve) => void immediate(resolve))
  // Other browsers, Deno, workers: a message is a task without setTimeout's 4 ms clamp.
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => {
        channel.port1.close() // an open port would keep a Node or Deno process alive
        resolve()
      }
      channel.port2.postMessage(null)
    })
  }
  return new Promise((resolve) => setTimeout(resolve, 0))
}
