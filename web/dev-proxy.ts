/**
 * The API paths the Vite dev server (`vite --config web/vite.config.ts`) forwards to API_URL, so the page
 * under `npx vite` talks to a running server. Each is a prefix. web/dev-proxy.test.ts checks that every path
 * the page's code calls is covered.
 */
export const DEV_PROXY_ROUTES = [
  '/predict',
  '/predict-proba',
  '/model',
  '/models',
  '/explain',
  '/drift',
  '/feedback',
  '/admin',
  '/health',
  '/metrics',
  '/docs',
  '/openapi.json',
  '/v2',
] as const

/** Whether the dev server forwards `path` (Vite matches string keys as prefixes). */
export function proxied(path: string): boolean {
  return DEV_PROXY_ROUTES.some((route) => path.startsWith(route))
}
