// Searching for a PIN in what a page or a handler received. A ciphertext is
// 344+ characters of random-looking Base64, in which a short PIN such as "4821"
// turns up by pure chance (about 1 run in 300 for the 200-trial tests): such a
// string is proof of encryption, not of a leak, so it is not searched — unless
// the needle is itself a ciphertext (a test looking for one on purpose).
const CIPHERTEXT = /^[A-Za-z0-9+/]{300,}={0,2}$/

export function holdsSecret(haystack: string, secret: string): boolean {
  if (CIPHERTEXT.test(haystack) && !CIPHERTEXT.test(secret)) return false
  return haystack.includes(secret)
}
