// Limits shared by every part that walks a request body or reads key text, so
// that what the client sends, what encryptFields accepts and what the sandbox
// decrypts can never disagree.

/**
 * Objects and arrays nested inside one another, the body itself counting as
 * the first. FinCode's bodies nest three or four deep; 64 leaves room for any
 * real payload while keeping a hostile one (or a toJSON that keeps returning
 * fresh objects) from exhausting the stack.
 */
export const MAX_NESTING = 64

/**
 * Key text longer than this is refused before it is decoded. A 4096-bit PEM is
 * about 800 characters; 16 KiB is far above any real key and keeps a pasted
 * file or a runaway variable from costing seconds of decoding.
 */
export const MAX_KEY_TEXT = 16 * 1024
