// The runtime conformance suite, written once and run unchanged in every
// runtime of the matrix (Node, Deno, Bun, workerd, edge-runtime, Chromium,
// Firefox, WebKit). It imports nothing: the library (as packed by npm) and
// everything made in Node — keys, bad inputs, the decryption of our
// ciphertexts — are handed in, so that a runtime only ever does what a user's
// code would do there: call the public API with WebCrypto.
//
// run(lib, env) → [{ name, ok, error?, skipped? }], one per case of `casesFor(env.kind)`.
//   lib   the `fincode-secure` module namespace
//   env   { kind: 'server' | 'browser', fixtures, decrypt(keyName, ciphertext) → plaintext (Node's privateDecrypt),
//           loadServer() → the `fincode-secure/server` namespace, origin (the Node test's HTTP endpoint),
//           loadServerInBrowser() → `fincode-secure/server/dangerously-allow-browser`, in browsers only }

/** @typedef {{ name: string, where: 'all' | 'server' | 'browser', run: (t: object) => Promise<void> }} Case */

const SKIP = Symbol('skip')

/** A case that cannot be exercised in this runtime says so; it is reported as skipped, never as passed. */
function skip(reason) {
  throw Object.assign(new Error(reason), { [SKIP]: true })
}

function show(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

function eq(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`)
}

function ok(condition, what) {
  if (!condition) throw new Error(what)
}

/** Standard padded Base64 of exactly one RSA block: 344 characters for 2048-bit keys, 684 for 4096. */
function checkCiphertext(ciphertext, bits, what) {
  eq(typeof ciphertext, 'string', `${what} type`)
  ok(/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext), `${what} is not standard Base64: ${show(ciphertext)}`)
  eq(ciphertext.length, Math.ceil(bits / 8 / 3) * 4, `${what} length`)
}

/**
 * `call()` must reject (never throw synchronously, never resolve) with a
 * FincodeSecureError of `code` whose message does not contain `secret`.
 * Returns the error for further checks.
 */
async function rejects(t, call, code, what, secret, errorName = 'FincodeSecureError') {
  let promise
  try {
    promise = call()
  } catch (error) {
    throw new Error(`${what}: threw synchronously (${error?.name}: ${error?.message}) instead of returning a rejected promise`)
  }
  let error
  try {
    const value = await promise
    throw Object.assign(new Error(`${what}: resolved to ${show(value)} instead of rejecting with ${code}`), { unexpected: true })
  } catch (e) {
    if (e?.unexpected) throw e
    error = e
  }
  ok(t.lib.isFincodeSecureError(error), `${what}: rejected with an untyped ${error?.name}: ${error?.message}`)
  ok(error instanceof t.lib.FincodeSecureError, `${what}: the error is not instanceof FincodeSecureError`)
  ok(error instanceof Error, `${what}: the error is not instanceof Error`)
  eq(error.name, errorName, `${what}: error.name`)
  eq(error.code, code, `${what}: error.code (message: ${error.message})`)
  ok(typeof error.message === 'string' && error.message.length > 20, `${what}: the message says nothing useful: ${show(error.message)}`)
  if (secret) ok(!error.message.includes(secret), `${what}: the message contains the plaintext`)
  return error
}

/** Every string in `strings` encrypted with `keyName` and decrypted by Node must come back unchanged. */
async function roundTrip(t, keyName, strings, key) {
  const { bits } = t.fx.keys[keyName]
  for (const plaintext of strings) {
    let ciphertext
    try {
      ciphertext = await t.lib.encryptPayload(plaintext, key ?? t.fx.keys[keyName].spki)
    } catch (error) {
      throw new Error(`encryptPayload(${show(plaintext)}) with the ${bits}-bit key: ${describeError(error)}`)
    }
    checkCiphertext(ciphertext, bits, `ciphertext of ${show(plaintext)}`)
    eq(await t.decrypt(keyName, ciphertext), plaintext, `Node's privateDecrypt of the ${bits}-bit ciphertext`)
  }
}

async function checkImported(t, keyName, text) {
  const expected = t.fx.keys[keyName]
  const key = await t.lib.importPublicKey(text)
  eq(key.modulusLength, expected.bits, 'modulusLength')
  eq(key.maxPayloadBytes, expected.maxPayloadBytes, 'maxPayloadBytes')
  eq(key.fingerprint, expected.fingerprint, 'fingerprint (SHA-256 of the SPKI DER, as Node computes it)')
  eq(key.spki.length, expected.spkiBytes, 'spki length in bytes')
  eq(key.cryptoKey.type, 'public', 'cryptoKey.type')
  eq(key.cryptoKey.algorithm.name, 'RSA-OAEP', 'cryptoKey.algorithm.name')
  ok(Object.isFrozen(key), 'the imported key is not frozen')
}

/** Every bad key filed under one error code must give that code, from importPublicKey and from encryptPayload. */
async function badKeys(t, code) {
  const corpus = t.fx.badKeys[code]
  ok(corpus && corpus.length > 0, `no fixtures for ${code}`)
  for (const { label, key } of corpus) {
    await rejects(t, () => t.lib.importPublicKey(key), code, `importPublicKey(${label})`)
    await rejects(t, () => t.lib.encryptPayload('123456', key), code, `encryptPayload('123456', ${label})`, '123456')
  }
}

/**
 * Makes `globalThis.crypto.subtle` undefined, as on a plain-http page: by
 * shadowing `globalThis.crypto` with a crypto that has no subtle or, where that
 * global cannot be redefined (edge-runtime), by shadowing `subtle` on the crypto
 * object. Returns the function that undoes it, or why neither was possible.
 */
function hideSubtle() {
  const real = globalThis.crypto
  const own = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
  const reasons = []
  try {
    const insecure = { getRandomValues: (array) => real.getRandomValues(array) }
    Object.defineProperty(globalThis, 'crypto', { value: insecure, configurable: true, writable: true, enumerable: true })
    if (globalThis.crypto === insecure) {
      return () => {
        if (own) Object.defineProperty(globalThis, 'crypto', own)
        else delete globalThis.crypto
      }
    }
    if (own) Object.defineProperty(globalThis, 'crypto', own)
    reasons.push('globalThis.crypto ignored the new value')
  } catch (error) {
    reasons.push(`globalThis.crypto: ${error?.message}`)
  }
  const ownSubtle = Object.getOwnPropertyDescriptor(real, 'subtle')
  try {
    Object.defineProperty(real, 'subtle', { value: undefined, configurable: true, writable: true })
    if (real.subtle === undefined) {
      return () => {
        if (ownSubtle) Object.defineProperty(real, 'subtle', ownSubtle)
        else delete real.subtle
      }
    }
    if (ownSubtle) Object.defineProperty(real, 'subtle', ownSubtle)
    else delete real.subtle
    reasons.push('crypto.subtle ignored the new value')
  } catch (error) {
    reasons.push(`crypto.subtle: ${error?.message}`)
  }
  return reasons.join('; ')
}

/** A scheme with the interface of `oaepSha256` whose encryption throws what `fail` returns. */
function failingScheme(t, fail) {
  return { ...t.lib.oaepSha256, encrypt: async () => Promise.reject(fail()) }
}

/** @type {Case[]} */
const CASE_LIST = [
  {
    name: 'importPublicKey: a 2048-bit Base64 SPKI key gives modulusLength 2048, maxPayloadBytes 190 and the fingerprint Node computes',
    where: 'all',
    run: (t) => checkImported(t, 'rsa2048', t.fx.keys.rsa2048.spki),
  },
  {
    name: 'importPublicKey: a 4096-bit key gives modulusLength 4096, maxPayloadBytes 446 and the fingerprint Node computes',
    where: 'all',
    run: (t) => checkImported(t, 'rsa4096', t.fx.keys.rsa4096.spki),
  },
  {
    name: 'importPublicKey: the PEM form and Base64 wrapped at 64 columns with CRLF give the same key',
    where: 'all',
    run: async (t) => {
      await checkImported(t, 'rsa2048', t.fx.keys.rsa2048.pem)
      await checkImported(t, 'rsa2048', t.fx.keys.rsa2048.wrapped)
    },
  },
  {
    name: 'encryptPayload, 2048-bit key: Node decrypts a PIN with a leading zero and a password with €, ü and an emoji',
    where: 'all',
    run: (t) => roundTrip(t, 'rsa2048', ['012345', 'pässwörd €100 😀']),
  },
  {
    name: 'encryptPayload(""): an empty payload is ERR_PAYLOAD_INVALID in every runtime (WebKit\'s WebCrypto could not encrypt it anyway)',
    where: 'all',
    run: async (t) => {
      const error = await t.lib.encryptPayload('', t.fx.keys.rsa2048.spki).then(
        () => undefined,
        (e) => e,
      )
      ok(error?.code === 'ERR_PAYLOAD_INVALID', `expected ERR_PAYLOAD_INVALID, got ${error?.code ?? 'a ciphertext'}`)
    },
  },
  {
    name: 'encryptPayload, 4096-bit key: Node decrypts what the runtime encrypted',
    where: 'all',
    run: (t) => roundTrip(t, 'rsa4096', ['012345', 'Ünïcödé ✓ 🔐']),
  },
  {
    name: 'encryptPayload with an imported FincodePublicKey: OAEP is randomised, two ciphertexts of one PIN differ and both decrypt',
    where: 'all',
    run: async (t) => {
      const key = await t.lib.importPublicKey(t.fx.keys.rsa2048.spki)
      const [a, b] = await Promise.all([t.lib.encryptPayload('4321', key), t.lib.encryptPayload('4321', key)])
      ok(a !== b, 'two encryptions of one value are identical: OAEP must be randomised')
      eq(await t.decrypt('rsa2048', a), '4321', 'first ciphertext decrypted by Node')
      eq(await t.decrypt('rsa2048', b), '4321', 'second ciphertext decrypted by Node')
    },
  },
  {
    name: 'limits, 2048-bit key: 190 UTF-8 bytes encrypt (ASCII and €), 191 give ERR_PAYLOAD_TOO_LARGE with both numbers in the message',
    where: 'all',
    run: async (t) => {
      // 63 × '€' (3 bytes each) + 1 byte = 190 bytes in 64 characters: the limit is counted in bytes.
      await roundTrip(t, 'rsa2048', ['a'.repeat(190), '€'.repeat(63) + 'x'])
      for (const text of ['a'.repeat(191), '€'.repeat(64), 'ü'.repeat(96)]) {
        const bytes = new TextEncoder().encode(text).length
        const error = await rejects(t, () => t.lib.encryptPayload(text, t.fx.keys.rsa2048.spki), 'ERR_PAYLOAD_TOO_LARGE', `${bytes} bytes`, text)
        ok(error.message.includes(String(bytes)) && error.message.includes('190'), `the message does not give ${bytes} and 190: ${error.message}`)
      }
    },
  },
  {
    name: 'limits, 4096-bit key: 446 bytes encrypt and decrypt, 447 give ERR_PAYLOAD_TOO_LARGE',
    where: 'all',
    run: async (t) => {
      await roundTrip(t, 'rsa4096', ['b'.repeat(446)])
      await rejects(t, () => t.lib.encryptPayload('b'.repeat(447), t.fx.keys.rsa4096.spki), 'ERR_PAYLOAD_TOO_LARGE', '447 bytes')
    },
  },
  {
    name: 'encryptFields: sensitive fields at any depth (objects, arrays) are encrypted and decrypt in Node; nothing else changes; the input is not mutated',
    where: 'all',
    run: async (t) => {
      const body = {
        amount: 1000,
        userPin: '0007',
        account: { holder: 'Juan dela Cruz', currentPassword: 'old-pässword', newPassword: 'new-pässword 😀' },
        questions: [{ question: 'first pet?', securityAnswer: 'Bantay' }, { question: 'city?', securityAnswer: 'Cebu' }],
        transactionPin: undefined,
        note: 'userPin is only sensitive as a key name',
      }
      const before = JSON.stringify(body)
      const out = await t.lib.encryptFields(body, t.fx.keys.rsa2048.spki)
      eq(JSON.stringify(body), before, 'the input body after encryptFields (must not be mutated)')
      ok(out !== body && out.account !== body.account && out.questions !== body.questions, 'encryptFields returned (parts of) the input instead of a copy')
      eq(out.amount, 1000, 'amount')
      eq(out.note, body.note, 'note')
      eq(out.account.holder, 'Juan dela Cruz', 'account.holder')
      eq(out.questions[0].question, 'first pet?', 'questions[0].question')
      ok(!('transactionPin' in out) || out.transactionPin === undefined, 'an undefined sensitive field was turned into a value')
      const sensitive = [
        [out.userPin, '0007'],
        [out.account.currentPassword, 'old-pässword'],
        [out.account.newPassword, 'new-pässword 😀'],
        [out.questions[0].securityAnswer, 'Bantay'],
        [out.questions[1].securityAnswer, 'Cebu'],
      ]
      for (const [ciphertext, plaintext] of sensitive) {
        checkCiphertext(ciphertext, 2048, `ciphertext of ${show(plaintext)}`)
        eq(await t.decrypt('rsa2048', ciphertext), plaintext, 'Node decrypts the field')
      }
      // The copy is what JSON.stringify writes: the key order of the input, the undefined field left out.
      eq(JSON.stringify(Object.keys(out)), JSON.stringify(Object.keys(JSON.parse(JSON.stringify(body)))), 'key order of the copy')
    },
  },
  {
    name: 'encryptFields: options.fields replaces SENSITIVE_FIELDS, which lists the five fields of the docs',
    where: 'all',
    run: async (t) => {
      eq(JSON.stringify(t.lib.SENSITIVE_FIELDS), JSON.stringify(['currentPassword', 'newPassword', 'transactionPin', 'userPin', 'securityAnswer']), 'SENSITIVE_FIELDS')
      const out = await t.lib.encryptFields({ otp: '9999', userPin: '1234' }, t.fx.keys.rsa2048.spki, { fields: ['otp'] })
      eq(out.userPin, '1234', 'userPin (not in options.fields)')
      checkCiphertext(out.otp, 2048, 'otp')
      eq(await t.decrypt('rsa2048', out.otp), '9999', 'Node decrypts otp')
    },
  },
  {
    name: 'ERR_KEY_INVALID: empty, not Base64, base64url, truncated, trailing bytes, PKCS#1 "RSA PUBLIC KEY", a number',
    where: 'all',
    run: (t) => badKeys(t, 'ERR_KEY_INVALID'),
  },
  {
    name: 'ERR_KEY_PRIVATE: PKCS#8 and PKCS#1 private keys, PEM and Base64 DER',
    where: 'all',
    run: (t) => badKeys(t, 'ERR_KEY_PRIVATE'),
  },
  {
    name: 'ERR_KEY_UNSUPPORTED: an EC P-256 SPKI key',
    where: 'all',
    run: (t) => badKeys(t, 'ERR_KEY_UNSUPPORTED'),
  },
  {
    name: 'ERR_KEY_TOO_SMALL: a 1024-bit RSA key',
    where: 'all',
    run: (t) => badKeys(t, 'ERR_KEY_TOO_SMALL'),
  },
  {
    name: 'ERR_PAYLOAD_INVALID: a lone surrogate, a number, and a number PIN in encryptFields',
    where: 'all',
    run: async (t) => {
      const { loneSurrogate } = t.fx.payloads
      // JSON carried the fixture here: make sure it still holds the unpaired half.
      ok(/\p{Cs}/u.test(loneSurrogate), 'the lone-surrogate fixture lost its surrogate on the way into the runtime')
      const key = t.fx.keys.rsa2048.spki
      await rejects(t, () => t.lib.encryptPayload(loneSurrogate, key), 'ERR_PAYLOAD_INVALID', 'a lone surrogate', loneSurrogate)
      await rejects(t, () => t.lib.encryptPayload(123456, key), 'ERR_PAYLOAD_INVALID', 'the number 123456', '123456')
      await rejects(t, () => t.lib.encryptFields({ nested: { userPin: 1234 } }, key), 'ERR_PAYLOAD_INVALID', 'encryptFields with userPin: 1234', '1234')
      await rejects(t, () => t.lib.encryptFields({ userPin: loneSurrogate }, key), 'ERR_PAYLOAD_INVALID', 'encryptFields with a lone surrogate', loneSurrogate)
    },
  },
  {
    name: 'ERR_PAYLOAD_TOO_LARGE: encryptPayload and encryptFields, the message names the field and not the plaintext',
    where: 'all',
    run: async (t) => {
      const secret = 's3cret-'.repeat(30) // 210 bytes
      await rejects(t, () => t.lib.encryptPayload(secret, t.fx.keys.rsa2048.spki), 'ERR_PAYLOAD_TOO_LARGE', 'encryptPayload of 210 bytes', secret)
      const error = await rejects(t, () => t.lib.encryptFields({ account: { newPassword: secret } }, t.fx.keys.rsa2048.spki), 'ERR_PAYLOAD_TOO_LARGE', 'encryptFields', secret)
      ok(error.message.includes('newPassword'), `the message does not name the field: ${error.message}`)
    },
  },
  {
    name: 'ERR_ENCRYPTION_FAILED: a scheme whose encrypt throws, and a key WebCrypto refuses to encrypt with; the cause is kept',
    where: 'all',
    run: async (t) => {
      const boom = new TypeError('scheme failure made by the conformance suite')
      const error = await rejects(
        t,
        () => t.lib.encryptPayload('123456', t.fx.keys.rsa2048.spki, { scheme: failingScheme(t, () => boom) }),
        'ERR_ENCRYPTION_FAILED',
        'a throwing scheme',
        '123456',
      )
      eq(error.cause, boom, 'error.cause')
      // A real WebCrypto refusal: an RSA-OAEP key imported for wrapKey only cannot encrypt.
      const imported = await t.lib.importPublicKey(t.fx.keys.rsa2048.spki)
      const wrapOnly = await crypto.subtle.importKey('spki', imported.spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['wrapKey'])
      const key = { ...imported, cryptoKey: wrapOnly }
      const refused = await rejects(t, () => t.lib.encryptPayload('123456', key), 'ERR_ENCRYPTION_FAILED', 'a wrapKey-only CryptoKey', '123456')
      ok(refused.cause instanceof Error || typeof refused.cause?.name === 'string', `the WebCrypto error is not kept as cause: ${show(refused.cause)}`)
    },
  },
  {
    name: 'ERR_WEBCRYPTO_UNAVAILABLE: with crypto.subtle gone (as on a plain-http page) importPublicKey says so; WebCrypto works again afterwards',
    where: 'all',
    run: async (t) => {
      const real = globalThis.crypto
      const subtle = real.subtle
      const restore = hideSubtle()
      if (typeof restore === 'string') skip(`crypto.subtle cannot be hidden in this runtime (${restore}), so its absence cannot be simulated`)
      try {
        ok(globalThis.crypto?.subtle === undefined, 'crypto.subtle is still visible after hiding it')
        // A text not imported before: the key cache must not answer for WebCrypto.
        const fresh = `\n${t.fx.keys.rsa2048.spki}\n\n\n`
        const error = await rejects(t, () => t.lib.importPublicKey(fresh), 'ERR_WEBCRYPTO_UNAVAILABLE', 'importPublicKey without crypto.subtle')
        ok(/https|localhost/.test(error.message), `the message does not say where WebCrypto is available: ${error.message}`)
      } finally {
        restore()
      }
      eq(globalThis.crypto, real, 'globalThis.crypto after restoring it')
      eq(globalThis.crypto.subtle, subtle, 'crypto.subtle after restoring it')
      await roundTrip(t, 'rsa2048', ['after-restore'])
    },
  },
  {
    name: 'encryptFields applies toJSON as JSON.stringify does: a DTO\'s sensitive fields are encrypted and Node decrypts them; a Date becomes its ISO string',
    where: 'all',
    run: async (t) => {
      class ChangePinRequest {
        constructor(current, next) {
          this.current = current
          this.next = next
        }
        toJSON() {
          return { userPin: this.current, transactionPin: this.next, at: new Date('2026-01-02T03:04:05Z') }
        }
      }
      const out = await t.lib.encryptFields({ request: new ChangePinRequest('482913', '918273'), wrap: { toJSON: () => ({ securityAnswer: new String('Pochi') }) } }, t.fx.keys.rsa2048.spki)
      const json = JSON.stringify(out)
      ok(!/482913|918273|Pochi/.test(json), `a plaintext is in the copy: ${show(json)}`)
      eq(out.request.at, '2026-01-02T03:04:05.000Z', 'the Date, as JSON sends it')
      eq(await t.decrypt('rsa2048', out.request.userPin), '482913', 'request.userPin decrypted by Node')
      eq(await t.decrypt('rsa2048', out.request.transactionPin), '918273', 'request.transactionPin decrypted by Node')
      eq(await t.decrypt('rsa2048', out.wrap.securityAnswer), 'Pochi', 'wrap.securityAnswer (a String object) decrypted by Node')
    },
  },
  {
    name: 'encryptFields: 64 nested levels encrypt, 65 are ERR_PAYLOAD_INVALID naming the path; a throwing getter, a revoked Proxy and a BigInt reject with ERR_PAYLOAD_INVALID',
    where: 'all',
    run: async (t) => {
      const key = t.fx.keys.rsa2048.spki
      const nested = (levels) => {
        let body = { userPin: '6464' }
        for (let i = 1; i < levels; i++) body = { a: body }
        return body
      }
      const deepest = await t.lib.encryptFields(nested(64), key)
      let leaf = deepest
      for (let i = 1; i < 64; i++) leaf = leaf.a
      eq(await t.decrypt('rsa2048', leaf.userPin), '6464', 'the PIN 64 levels down, decrypted by Node')
      const tooDeep = await rejects(t, () => t.lib.encryptFields(nested(65), key), 'ERR_PAYLOAD_INVALID', '65 levels', '6464')
      ok(tooDeep.message.startsWith(`body${'.a'.repeat(64)} is nested 65 objects and arrays deep`), `the message does not name the path: ${tooDeep.message}`)
      const revocable = Proxy.revocable({}, {})
      revocable.revoke()
      const hostile = [
        ['a throwing getter', { get userPin() { throw new Error('vault locked') } }],
        ['a revoked Proxy', { inner: revocable.proxy }],
        ['a BigInt', { amount: BigInt(10) }],
        ['10,000 levels', nested(10000)],
      ]
      for (const [what, body] of hostile) await rejects(t, () => t.lib.encryptFields(body, key), 'ERR_PAYLOAD_INVALID', what)
    },
  },
  {
    name: 'importPublicKey: RSA exponents 1, 2, 4 and 65536 are ERR_KEY_UNSUPPORTED; a key with exponent 3 encrypts and Node decrypts',
    where: 'all',
    run: async (t) => {
      for (const { exponent, spki } of t.fx.exponents.refused) {
        const error = await rejects(t, () => t.lib.importPublicKey(spki), 'ERR_KEY_UNSUPPORTED', `exponent ${exponent}`)
        ok(error.message.includes(`RSA exponent ${exponent}`), `the message does not give the exponent: ${error.message}`)
        await rejects(t, () => t.lib.encryptPayload('1234', spki), 'ERR_KEY_UNSUPPORTED', `encryptPayload with exponent ${exponent}`, '1234')
      }
      eq(await t.decrypt('rsa2048e3', await t.lib.encryptPayload('0003', t.fx.exponents.three)), '0003', 'exponent 3, decrypted by Node')
    },
  },
  {
    name: 'importPublicKey: text over 16 KiB is ERR_KEY_INVALID before decoding; a quoted key and a PEM with literal \\n give Node\'s fingerprint; a throwing getter rejects',
    where: 'all',
    run: async (t) => {
      const { spki, pem, fingerprint } = t.fx.keys.rsa2048
      const started = Date.now()
      const huge = await rejects(t, () => t.lib.importPublicKey(spki.padEnd(5000000, ' ')), 'ERR_KEY_INVALID', '5,000,000 characters')
      ok(Date.now() - started < 1000, `refusing 5 MB of key text took ${Date.now() - started} ms`)
      ok(huge.message.includes('at most 16384'), `the message does not give the limit: ${huge.message}`)
      for (const text of [`"${spki}"`, `'${spki}'`, pem.trim().replace(/\n/g, '\\n'), `"${pem.trim().replace(/\n/g, '\\n')}"`]) {
        eq((await t.lib.importPublicKey(text)).fingerprint, fingerprint, `the fingerprint of ${show(text.slice(0, 30))}`)
      }
      const comment = await rejects(t, () => t.lib.importPublicKey(`${spki} # production`), 'ERR_KEY_INVALID', 'a trailing comment')
      ok(comment.message.includes('"#"'), `the message does not name the "#": ${comment.message}`)
      await rejects(t, () => t.lib.importPublicKey({ get cryptoKey() { throw new Error('getter') }, maxPayloadBytes: 190 }), 'ERR_KEY_INVALID', 'a throwing getter')
    },
  },
  {
    name: 'fincode-secure/server: domain with baseUrl is ERR_CONFIG_INVALID; a token the server repeats back is [redacted] in message, stack, body and onRequest',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const { token, platform, uuid } = t.fx.server
      let error
      try {
        server.createFincodeClient({ domain: 'acme', baseUrl: `${t.origin}/api/v6`, token, publicKey: t.fx.keys.rsa2048.spki, platform, uuid })
      } catch (e) {
        error = e
      }
      eq(error?.code, 'ERR_CONFIG_INVALID', 'domain and baseUrl together')
      const seen = []
      const echo = async () => new Response(JSON.stringify({ error: { code: 'BAD', message: `refused ${token}`, headers: { 'X-Auth-Token': token } } }), { status: 400 })
      const client = server.createFincodeClient({ baseUrl: `${t.origin}/api/v6`, token, publicKey: t.fx.keys.rsa2048.spki, platform, uuid, fetch: echo, onRequest: (info) => seen.push(info) })
      const refused = await rejects(t, () => client.post(`/echo/${token}`, { note: token, userPin: '2580' }), 'ERR_API_ERROR', 'an error body quoting the token', token, 'FincodeApiError')
      for (const [what, text] of [['stack', String(refused.stack)], ['body', JSON.stringify(refused.body)], ['onRequest', JSON.stringify(seen)]]) {
        ok(!text.includes(token), `the token is in ${what}`)
        ok(!text.includes('2580'), `the PIN is in ${what}`)
      }
      ok(refused.message.includes('[redacted]'), `the message does not say [redacted]: ${refused.message}`)
    },
  },
  {
    name: 'fincode-secure/server: the retry rule — one send after a 500 that says KEY_ROTATED or a network error, at most two after 409 KEY_ROTATED',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const { token, platform, uuid } = t.fx.server
      const publicKey = async () => t.fx.keys.rsa2048.spki
      for (const [status, code, sends] of [[500, 'ERR_API_ERROR', 1], [503, 'ERR_API_ERROR', 1], [0, 'ERR_NETWORK', 1]]) {
        let sent = 0
        const fetch = async () => {
          sent++
          if (status === 0) throw new TypeError('fetch failed')
          return new Response(JSON.stringify({ error: { code: 'KEY_ROTATED' } }), { status })
        }
        const client = server.createFincodeClient({ baseUrl: `${t.origin}/api/v6`, token, publicKey, platform, uuid, fetch })
        await rejects(t, () => client.post('/p', { userPin: '1357' }), code, `status ${status || 'network error'}`, '1357', code === 'ERR_NETWORK' ? 'FincodeSecureError' : 'FincodeApiError')
        eq(sent, sends, `sends after ${status || 'a network error'}`)
      }
      let sent = 0
      const rotated = async () => (sent++, new Response(JSON.stringify({ error: { code: 'KEY_ROTATED' } }), { status: 409 }))
      const client = server.createFincodeClient({ baseUrl: `${t.origin}/api/v6`, token, publicKey, platform, uuid, fetch: rotated, logger: { warn() {} } })
      const error = await client.post('/p', { userPin: '1357' }).then(() => undefined, (e) => e)
      ok(error && /^ERR_KEY_(ROTATED|STALE)$/.test(error.code), `409 KEY_ROTATED every time ended in ${error?.code}`)
      ok(sent <= 2, `${sent} sends after 409 KEY_ROTATED`)
    },
  },
  {
    name: 'fincode-secure/server: createFincodeClient sends X-Auth-Token, platform, uuid, Content-Type: application/json and encrypted sensitive fields to 127.0.0.1',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const { token, platform, uuid } = t.fx.server
      const client = server.createFincodeClient({ baseUrl: `${t.origin}/api/v6`, token, publicKey: t.fx.keys.rsa2048.spki, platform, uuid })
      const body = { cardNumber: '4111111111111111', amount: 250, userPin: '0420', profile: { securityAnswer: 'Bantay 🐕' } }
      const reply = await client.post('/services/conformance/echo', body)
      ok(reply && typeof reply === 'object', `the client returned ${show(reply)} instead of the parsed JSON reply`)
      eq(JSON.stringify(reply.problems), '[]', 'what the endpoint found wrong with the request')
      eq(reply.decrypted.userPin, '0420', 'userPin as Node decrypted it')
      eq(reply.decrypted['profile.securityAnswer'], 'Bantay 🐕', 'profile.securityAnswer as Node decrypted it')
      eq(reply.plain.cardNumber, '4111111111111111', 'cardNumber (not sensitive) as sent')
      eq(reply.plain.amount, 250, 'amount as sent')
      eq(body.userPin, '0420', 'the caller’s body after the request (must not be mutated)')
    },
  },
  {
    name: 'fincode-secure/server: a rejected token becomes ERR_TOKEN_REJECTED, and the token appears in no message',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const { revokedToken, platform, uuid } = t.fx.server
      const client = server.createFincodeClient({ baseUrl: `${t.origin}/api/v6`, token: revokedToken, publicKey: t.fx.keys.rsa2048.spki, platform, uuid })
      const request = () => client.request('POST', '/services/conformance/echo', { body: { userPin: '1111' } })
      const error = await rejects(t, request, 'ERR_TOKEN_REJECTED', 'a revoked token', revokedToken, 'FincodeApiError')
      ok(server.isFincodeApiError(error), 'isFincodeApiError(error) is false')
      eq(error.status, 401, 'error.status')
      eq(error.serverCode, 'TOKEN_REVOKED', 'error.serverCode (the endpoint answers {error: {code: "TOKEN_REVOKED"}})')
      ok(!String(error.stack ?? '').includes(revokedToken), 'the stack contains the token')
      ok(!String(client).includes(revokedToken), 'String(client) contains the token')
      ok(!JSON.stringify(client ?? {}).includes(revokedToken), 'JSON.stringify(client) contains the token')
    },
  },
  {
    name: 'fincode-secure/server: in a browser page the import fails with ERR_TOKEN_IN_BROWSER (the browser export condition leads to a stub)',
    where: 'browser',
    run: async (t) => {
      let error
      try {
        await t.loadServer()
      } catch (e) {
        error = e.cause ?? e
      }
      ok(error, 'import("fincode-secure/server") loaded in a browser page')
      eq(error.code, 'ERR_TOKEN_IN_BROWSER', `error.code (message: ${error.message})`)
      ok(error.message.includes('dangerously-allow-browser'), 'the message names the explicit way out')
    },
  },
  {
    name: 'fincode-secure/server/dangerously-allow-browser: in a browser page createFincodeClient still refuses an API token with ERR_TOKEN_IN_BROWSER',
    where: 'browser',
    run: async (t) => {
      const server = await t.loadServerInBrowser()
      const { token, platform, uuid } = t.fx.server
      let error
      try {
        server.createFincodeClient({ baseUrl: `${t.origin}/api/v6`, token, publicKey: t.fx.keys.rsa2048.spki, platform, uuid })
      } catch (e) {
        error = e
      }
      ok(error, 'createFincodeClient started in a browser page with an API token')
      eq(error.code, 'ERR_TOKEN_IN_BROWSER', `error.code (message: ${error.message})`)
      ok(!error.message.includes(token), 'the message contains the token')
    },
  },
  {
    name: 'readKeyRotated: a 409 KEY_ROTATED Response gives ERR_KEY_ROTATED (its body still readable), a KEY_STALE object ERR_KEY_STALE, anything else null',
    where: 'all',
    run: async (t) => {
      const answer = { error: { code: 'KEY_ROTATED', message: 'The key was rotated.', fingerprint: t.fx.keys.rsa2048.fingerprint } }
      const response = new Response(JSON.stringify(answer), { status: 409, headers: { 'Content-Type': 'application/json' } })
      const rotated = await t.lib.readKeyRotated(response)
      ok(t.lib.isFincodeSecureError(rotated), `a 409 KEY_ROTATED gave ${show(rotated)} instead of an error`)
      eq(rotated.code, 'ERR_KEY_ROTATED', 'code for the 409 response')
      eq((await response.json()).error.code, 'KEY_ROTATED', 'the body, read by the app afterwards')
      eq((await t.lib.readKeyRotated({ error: { code: 'KEY_STALE', message: 'stale' } }))?.code, 'ERR_KEY_STALE', 'code for a KEY_STALE object')
      eq(t.lib.isKeyRotatedAnswer(answer), true, 'isKeyRotatedAnswer(answer)')
      eq(await t.lib.readKeyRotated(new Response(JSON.stringify(answer), { status: 200 })), null, 'a 200 holding the answer')
      eq(await t.lib.readKeyRotated({ ok: true }), null, 'a successful Server Action result')
    },
  },
  {
    name: 'fincode-secure/server: createPublicKeyHandler answers GET with { publicKey, fingerprint, modulusLength }, ETag "<fingerprint>" and Cache-Control: no-cache',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const { spki, pem, fingerprint } = t.fx.keys.rsa2048
      let calls = 0
      const handler = server.createPublicKeyHandler(async () => (calls++, pem))
      const response = await handler(new Request(`${t.origin}/api/fincode-key`))
      eq(response.status, 200, 'status')
      eq(response.headers.get('etag'), `"${fingerprint}"`, 'ETag')
      eq(response.headers.get('cache-control'), 'no-cache', 'Cache-Control')
      ok(/^application\/json/.test(response.headers.get('content-type') ?? ''), `Content-Type is ${show(response.headers.get('content-type'))}`)
      eq(JSON.stringify(await response.json()), JSON.stringify({ publicKey: spki, fingerprint, modulusLength: 2048 }), 'body')
      await Promise.all([handler(new Request(`${t.origin}/k`)), handler(new Request(`${t.origin}/k`))])
      eq(calls, 2, 'calls of the key function after one request and then two concurrent ones (which share one call)')
    },
  },
  {
    name: 'fincode-secure/server: createPublicKeyHandler answers 304 for a matching If-None-Match (the tag, a list holding it, W/, *) and 200 for another tag',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const { spki, fingerprint } = t.fx.keys.rsa2048
      const handler = server.createPublicKeyHandler(spki)
      for (const tag of [`"${fingerprint}"`, `"0", "${fingerprint}"`, `W/"${fingerprint}"`, '*']) {
        const response = await handler(new Request(`${t.origin}/api/fincode-key`, { headers: { 'If-None-Match': tag } }))
        eq(response.status, 304, `status for If-None-Match: ${tag}`)
        eq(await response.text(), '', `body of the 304 for ${tag}`)
        eq(response.headers.get('etag'), `"${fingerprint}"`, `ETag of the 304 for ${tag}`)
      }
      const other = await handler(new Request(`${t.origin}/api/fincode-key`, { headers: { 'If-None-Match': `"${'0'.repeat(64)}"` } }))
      eq(other.status, 200, 'status for another tag')
      eq((await other.json()).fingerprint, fingerprint, 'fingerprint served for another tag')
    },
  },
  {
    name: 'fincode-secure/server: createPublicKeyHandler answers HEAD with the headers and no body, POST, PUT and DELETE with 405 and Allow: GET, HEAD',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const { spki, fingerprint } = t.fx.keys.rsa2048
      const handler = server.createPublicKeyHandler(spki)
      const head = await handler(new Request(`${t.origin}/api/fincode-key`, { method: 'HEAD' }))
      eq(head.status, 200, 'HEAD status')
      eq(head.headers.get('etag'), `"${fingerprint}"`, 'HEAD ETag')
      eq(await head.text(), '', 'HEAD body')
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await handler(new Request(`${t.origin}/api/fincode-key`, { method }))
        eq(response.status, 405, `${method} status`)
        eq(response.headers.get('allow'), 'GET, HEAD', `${method} Allow header`)
      }
    },
  },
  {
    name: 'fincode-secure/server: createPublicKeyHandler with a private key as the source rejects with ERR_KEY_PRIVATE and serves nothing',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const [{ key }] = t.fx.badKeys.ERR_KEY_PRIVATE
      const handler = server.createPublicKeyHandler(() => key)
      await rejects(t, () => handler(new Request(`${t.origin}/api/fincode-key`)), 'ERR_KEY_PRIVATE', 'a PKCS#8 PEM as the key source')
    },
  },
  {
    name: 'fincode-secure/server: readEncryptedFields reads FormData ciphertexts into the body to forward, and answers KEY_ROTATED for another key',
    where: 'server',
    run: async (t) => {
      const server = await t.loadServer()
      const { spki, fingerprint } = t.fx.keys.rsa2048
      const form = new FormData()
      form.set('newPinAgain', await t.lib.encryptPayload('2580', spki))
      form.set('fincodeKeyFingerprint', fingerprint)
      const fields = { newPinAgain: 'confirmation.transactionPin' }
      const read = await server.readEncryptedFields(form, { fields, publicKey: spki })
      eq(read.ok, true, `read.ok (${show(read)})`)
      eq(read.fingerprint, fingerprint, 'read.fingerprint')
      eq(await t.decrypt('rsa2048', read.body.confirmation.transactionPin), '2580', 'Node decrypts body.confirmation.transactionPin')
      const rotated = await server.readEncryptedFields(form, { fields, publicKey: t.fx.keys.rsa4096.spki })
      eq(rotated.ok, false, 'read.ok with another current key')
      eq(rotated.answer.error.code, 'KEY_ROTATED', 'answer code')
      eq(rotated.answer.error.fingerprint, t.fx.keys.rsa4096.fingerprint, 'answer fingerprint (the current key)')
      form.set('newPinAgain', '2580')
      await rejects(t, () => server.readEncryptedFields(form, { fields, publicKey: spki }), 'ERR_PAYLOAD_INVALID', 'a plaintext PIN in the form', '2580')
    },
  },
]

/** Names of the cases that run in a runtime of this kind, known without running anything. */
export function casesFor(kind) {
  return CASE_LIST.filter((c) => c.where === 'all' || c.where === kind).map((c) => c.name)
}

/** "Name: message (cause: Name: message …)", since a FincodeSecureError keeps WebCrypto's own error as its cause. */
function describeError(error, depth = 0) {
  if (!(error instanceof Error) && typeof error?.message !== 'string') return show(error)
  const cause = error.cause !== undefined && depth < 3 ? ` (cause: ${describeError(error.cause, depth + 1)})` : ''
  return `${error.name}${error.code ? ` ${error.code}` : ''}: ${error.message}${cause}`
}

export async function run(lib, env) {
  const t = {
    lib,
    fx: env.fixtures,
    origin: env.origin,
    decrypt: env.decrypt,
    loadServer: env.loadServer,
    loadServerInBrowser: env.loadServerInBrowser,
  }
  const results = []
  for (const c of CASE_LIST) {
    if (c.where !== 'all' && c.where !== env.kind) continue
    const started = Date.now()
    try {
      await c.run(t)
      results.push({ name: c.name, ok: true, ms: Date.now() - started })
    } catch (error) {
      results.push(error?.[SKIP] ? { name: c.name, ok: false, skipped: error.message } : { name: c.name, ok: false, error: describeError(error), ms: Date.now() - started })
    }
  }
  return results
}
