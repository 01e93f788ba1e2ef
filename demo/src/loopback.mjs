// Host names that always mean this machine. The demo's own API answers only
// these (a page on any other name could be a DNS-rebinding attack: a site whose
// name now points at 127.0.0.1); pages are served for any name, so that one
// opened as plain http on another name can explain why it cannot encrypt.

/** `localhost`, `*.localhost`, `127.x.x.x` and `::1`, with or without brackets and a port. */
export function isLoopbackHost(host) {
  if (typeof host !== 'string' || host === '') return false
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '')
  const lower = name.toLowerCase().replace(/\.$/, '')
  return lower === 'localhost' || lower.endsWith('.localhost') || lower === '::1' || /^127(\.\d{1,3}){3}$/.test(lower)
}
