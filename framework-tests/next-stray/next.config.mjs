import { fileURLToPath } from 'node:url'

// framework-tests/ holds the lockfile and node_modules that both apps share.
const root = fileURLToPath(new URL('..', import.meta.url))

/** @type {import('next').NextConfig} */
const nextConfig = {
  turbopack: { root },
  outputFileTracingRoot: root,
  // This app exists only to be bundled: its type check would add time, not evidence.
  typescript: { ignoreBuildErrors: true },
}

export default nextConfig
