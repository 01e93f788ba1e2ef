// Example: your own text for one error code, instead of the library's message (docs/dom.md).
import type { FincodeFormError } from '../../../src/dom/index.js'

document.addEventListener('fincodeerror', (event) => {
  const { error } = (event as CustomEvent<{ error: FincodeFormError }>).detail
  if (error.code !== 'ERR_KEY_MISSING') return
  event.preventDefault()
  document.getElementById('pin-error')!.textContent = '暗号化キーを読み込み中です。'
})
