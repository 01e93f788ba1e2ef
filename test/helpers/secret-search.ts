// Searching for a PIN in what a page or a handler received. A ciphertext is
// 344+ characters of random-looking Base64, in which a short PIN such as "4821"
// turns up by pure chance (about 1 run in 300 for the 200-trial tests): such a
// string is proof of encryption, not of a leak, so it is not searched — unless
// the needle is itself a ciphertext (a test looking for one on purpose).
// The same holds for a key fingerprint (64 hex digits), which every form sends
// as fincodeKeyFingerprint: a 4-digit PIN sits in one now and then (seed
// 1731534400, trial 162 of the DOM entry's trials in Firefox). Tests compare
// the fingerprint whole with the key's, which is the check that matters there.
const CIPHERTEXT = /^[A-Za-z0-9+/]{300,}={0,2}$/
const FINGERPRINT = /^[0-9a-f]{64}$/

export function holdsSecret(haystack: string, secret: string): boolean {
  const random = (text: string) => CIPHERTEXT.test(text) || FINGERPRINT.test(text)
  if (random(haystack) && !random(secret)) return false
  return haystack.includes(secret)
}
