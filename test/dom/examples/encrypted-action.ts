// Example: fincode-secure/dom as a Svelte 5 action (docs/dom.md): `<form use:encrypted={options}>`.
import { encryptForm, type EncryptFormOptions } from '../../../src/dom/index.js'

export function encrypted(form: HTMLFormElement, options: EncryptFormOptions) {
  const handle = encryptForm(form, options)
  return {
    // A key that loads after the form is shown, or a rotated key, arrives here.
    update(next: EncryptFormOptions) {
      if (typeof next.publicKey !== 'function') handle.setPublicKey(next.publicKey)
    },
    destroy: () => handle.destroy(),
  }
}
