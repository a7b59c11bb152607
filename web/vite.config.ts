import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { DEV_PROXY_ROUTES } from './dev-proxy.js'

// The UI is plain TypeScript + DOM; Vite bundles it into dist/web, which the API server serves at `/`.
// `vite --config web/vite.config.ts` (dev) proxies the API routes (./dev-proxy.ts) to API_URL so the page talks to a
// running server.
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:8000'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline data: URIs and no injected polyfill: everything stays a same-origin file (strict CSP).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: Object.fromEntries(
      DEV_PROXY_ROUTES.map((route) => [route, { target: apiUrl, changeOrigin: false }]),
    ),
  },
})
