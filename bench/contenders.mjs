// What is compared, the same in Node and in the browser (no node: imports).
// Each factory returns contenders {id, run}; `run` makes one call. Keys are
// imported or parsed once, outside the timing, as an app would hold them —
// except where the import itself is what is measured.

/** Labels for the report, in table order. `floor` marks each group's reference. */
export const LABELS = {
  raw: { label: 'raw `crypto.subtle.encrypt` (bytes in, ArrayBuffer out)', floor: true },
  handwritten: { label: 'hand-written WebCrypto as usually written: `TextEncoder` + `subtle.encrypt` + `btoa(String.fromCharCode(...bytes))`' },
  'handwritten-best': { label: 'hand-written WebCrypto at its best: `TextEncoder` + `subtle.encrypt` + `btoa(String.fromCharCode.apply(0, bytes))`' },
  'fincode-key': { label: '**`encryptPayload`, `FincodePublicKey`**' },
  'fincode-text': { label: '**`encryptPayload`, key text (cached after first call)**' },
  'node-publicEncrypt': { label: "Node `crypto.publicEncrypt`, `oaepHash: 'sha256'` (reference)" },
  jose: { label: 'jose `CompactEncrypt`, `RSA-OAEP-256` + `A256GCM` (a JWE, not a bare ciphertext)' },
  forge: { label: 'node-forge `RSA-OAEP`, SHA-256 / MGF1-SHA-256' },
  jsencrypt: { label: 'jsencrypt `encrypt` — **PKCS#1 v1.5, a different padding**' },

  'raw-import': { label: "raw `crypto.subtle.importKey('spki')`", floor: true },
  'fincode-import-cold': { label: '**`importPublicKey`, cold** (a key text not seen before: decode, DER checks, import, fingerprint)' },
  'fincode-import-cached': { label: '**`importPublicKey`, cached** (the same text again)' },
  'jose-import': { label: 'jose `importSPKI` (PEM)' },
  'forge-import': { label: 'node-forge `publicKeyFromPem`' },

  'raw-fields': { label: '5 × raw `subtle.encrypt`, in parallel', floor: true },
  'fincode-fields-key': { label: '**`encryptFields`, `FincodePublicKey`**' },
  'fincode-fields-text': { label: '**`encryptFields`, key text**' },

  'java-default': { label: '**`encryptPayload` with `{ scheme: javaDefault }`**', floor: true },
  'forge-mgf1-sha1': { label: 'node-forge `RSA-OAEP`, SHA-256 / MGF1-SHA-1' },
}

export const OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' }

export const PAYLOADS = {
  pin: '482915',
  password: 'Tr0ub4dor&3-correct-horse-staple', // 32 characters
}

/** A body with the five default sensitive fields among ordinary ones. */
export function fieldsBody() {
  return {
    memberId: 'M-100234',
    currentPassword: PAYLOADS.password,
    newPassword: 'n3w-Passw0rd!-n3w-Passw0rd!-2026',
    transactionPin: PAYLOADS.pin,
    userPin: '009911',
    securityAnswer: 'the blue whale',
    profile: { locale: 'ja-JP', channel: 'web' },
  }
}

const base64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))

export function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}

/**
 * Distinct texts of one key: a line break at a different place, then more
 * trailing spaces. The library caches by text, so each is a cold import, yet
 * every one is the same valid key (no need to generate thousands of keys).
 */
export function keyTextVariants(text) {
  let n = 0
  return () => {
    const at = 1 + (n % (text.length - 1))
    const spaces = ' '.repeat(Math.floor(n / (text.length - 1)))
    n++
    return text.slice(0, at) + '\n' + text.slice(at) + spaces
  }
}

/** Keys each library holds, prepared once per key size. */
export async function prepareKey(libs, key) {
  const subtle = globalThis.crypto.subtle
  const der = fromBase64(key.text)
  const prepared = {
    der,
    cryptoKey: await subtle.importKey('spki', der, OAEP, true, ['encrypt']),
    fincodeKey: await libs.fincode.importPublicKey(key.text),
    joseKey: await libs.jose.importSPKI(key.pem, 'RSA-OAEP-256'),
    forgeKey: libs.forge.pki.publicKeyFromPem(key.pem),
    jsencrypt: new libs.JSEncrypt(),
    nodeKey: libs.node?.createPublicKey(key.pem),
  }
  prepared.jsencrypt.setPublicKey(key.pem)
  return prepared
}

export function encryptContenders(libs, key, prepared, payload) {
  const subtle = globalThis.crypto.subtle
  const { encryptPayload } = libs.fincode
  const { forge, jose } = libs
  const bytes = new TextEncoder().encode(payload)
  const utf8 = forge.util.encodeUtf8(payload)
  const contenders = [
    { id: 'raw', run: () => subtle.encrypt(OAEP, prepared.cryptoKey, bytes), sample: async () => base64(await subtle.encrypt(OAEP, prepared.cryptoKey, bytes)) },
    { id: 'handwritten', run: async () => base64(await subtle.encrypt(OAEP, prepared.cryptoKey, new TextEncoder().encode(payload))) },
    {
      id: 'handwritten-best',
      run: async () => btoa(String.fromCharCode.apply(0, new Uint8Array(await subtle.encrypt(OAEP, prepared.cryptoKey, new TextEncoder().encode(payload))))),
    },
    { id: 'fincode-key', run: () => encryptPayload(payload, prepared.fincodeKey) },
    { id: 'fincode-text', run: () => encryptPayload(payload, key.text) },
  ]
  if (libs.node) {
    const { publicEncrypt, constants } = libs.node
    contenders.push({
      id: 'node-publicEncrypt',
      run: () => publicEncrypt({ key: prepared.nodeKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, bytes).toString('base64'),
    })
  }
  contenders.push(
    {
      id: 'jose',
      run: () => new jose.CompactEncrypt(bytes).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(prepared.joseKey),
    },
    {
      id: 'forge',
      run: () =>
        forge.util.encode64(
          prepared.forgeKey.encrypt(utf8, 'RSA-OAEP', { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha256.create() } }),
        ),
    },
    { id: 'jsencrypt', run: () => prepared.jsencrypt.encrypt(payload) },
  )
  return contenders
}

export function importContenders(libs, key, prepared) {
  const subtle = globalThis.crypto.subtle
  const { importPublicKey } = libs.fincode
  const nextText = keyTextVariants(key.text)
  return [
    { id: 'raw-import', run: () => subtle.importKey('spki', prepared.der, OAEP, true, ['encrypt']) },
    { id: 'fincode-import-cold', run: () => importPublicKey(nextText()) },
    { id: 'fincode-import-cached', run: () => importPublicKey(key.text) },
    { id: 'jose-import', run: () => libs.jose.importSPKI(key.pem, 'RSA-OAEP-256') },
    { id: 'forge-import', run: () => libs.forge.pki.publicKeyFromPem(key.pem) },
  ]
}

export function fieldsContenders(libs, key, prepared) {
  const subtle = globalThis.crypto.subtle
  const { encryptFields, SENSITIVE_FIELDS } = libs.fincode
  const body = fieldsBody()
  const encoded = SENSITIVE_FIELDS.map((name) => new TextEncoder().encode(body[name]))
  return [
    { id: 'raw-fields', run: () => Promise.all(encoded.map((bytes) => subtle.encrypt(OAEP, prepared.cryptoKey, bytes))) },
    { id: 'fincode-fields-key', run: () => encryptFields(body, prepared.fincodeKey) },
    { id: 'fincode-fields-text', run: () => encryptFields(body, key.text) },
  ]
}

export function javaDefaultContenders(libs, prepared, payload) {
  const { forge } = libs
  const utf8 = forge.util.encodeUtf8(payload)
  return [
    { id: 'java-default', run: () => libs.fincode.encryptPayload(payload, prepared.fincodeKey, { scheme: libs.javaDefault }) },
    {
      id: 'forge-mgf1-sha1',
      run: () =>
        forge.util.encode64(
          prepared.forgeKey.encrypt(utf8, 'RSA-OAEP', { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha1.create() } }),
        ),
    },
  ]
}

/** Makes one output of each contender, for the runner to decrypt with the private key. */
export async function samplesOf(contenders) {
  const out = {}
  for (const c of contenders) {
    const value = await (c.sample ?? c.run)()
    // Strings are ciphertexts (or a JWE); plain objects are encrypted bodies. Raw ArrayBuffers are skipped.
    if (typeof value === 'string' || value?.constructor === Object) out[c.id] = value
  }
  return out
}
