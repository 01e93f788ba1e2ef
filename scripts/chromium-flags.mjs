// Flags for Debian's Chromium on machines with no outside network
// (../shared/notes/runtimes.md): shared by vitest's browser mode, the runtime
// matrix, the demo's end-to-end test and the benchmark.
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
