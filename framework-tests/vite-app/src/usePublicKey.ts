import { useEffect, useState } from 'react'

/** The organisation's public key from the server; null while it loads. */
export function usePublicKey(url: string): { publicKey: string | null; failed: boolean } {
  const [state, setState] = useState<{ publicKey: string | null; failed: boolean }>({ publicKey: null, failed: false })
  useEffect(() => {
    let current = true
    fetch(url)
      .then((response) => (response.ok ? (response.json() as Promise<{ publicKey: string }>) : Promise.reject(new Error(String(response.status)))))
      .then(({ publicKey }) => current && setState({ publicKey, failed: false }))
      .catch(() => current && setState({ publicKey: null, failed: true }))
    return () => {
      current = false
    }
  }, [url])
  return state
}
