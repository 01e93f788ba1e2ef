import react from '@vitejs/plugin-react'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

// Two pages that differ by one import: control.html (fincode-secure and
// fincode-secure/react) must build; stray.html adds fincode-secure/server.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    rollupOptions: { input: resolve(import.meta.dirname, `${process.env.FINCODE_PAGE ?? 'control'}.html`) },
  },
})
