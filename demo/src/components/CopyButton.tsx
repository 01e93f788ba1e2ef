import { useEffect, useRef, useState } from 'react'

/**
 * Copies `text` (or what the function returns at click time: a secret is read
 * from the DOM then, not kept in React) and says so in a polite live region. Falls back to selecting a
 * target element when the Clipboard API is refused (it needs a secure context
 * and, in some browsers, a permission).
 */
export function CopyButton({ text, label, selectTarget }: { text: string | (() => string); label: string; selectTarget?: () => HTMLElement | null }) {
  const [said, setSaid] = useState('')
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])

  const copy = async () => {
    let message = 'Copied'
    try {
      await navigator.clipboard.writeText(typeof text === 'function' ? text() : text)
    } catch {
      const target = selectTarget?.()
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) target.select()
      message = 'Copy was blocked: the text is selected, press Ctrl+C'
    }
    setSaid(message)
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setSaid(''), 4000)
  }

  return (
    <span className="copy">
      <button type="button" className="button secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {said}
      </span>
    </span>
  )
}
