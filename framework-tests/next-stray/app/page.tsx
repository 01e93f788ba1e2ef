import { StrayClient } from './stray-client'

export default function Page() {
  return (
    <main>
      <StrayClient />
    </main>
  )
}
