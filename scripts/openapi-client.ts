/**
 * `npm run clients:generate`: the typed TypeScript client's types from our OpenAPI document. Builds the app
 * (no port, no model: the document does not depend on one), writes GET /openapi.json to
 * clients/openapi.json, then runs openapi-typescript on it into clients/typescript/schema.d.ts (formatted by
 * Biome).
 * test/clients/clients.test.ts fails when the committed document no longer matches the app's.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/api/app.js'
import { createLogger } from '../src/api/logging.js'
import { loadConfig } from '../src/config.js'
import { ModelSlot } from '../src/model/model-slot.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
export const OPENAPI_FILE = 'clients/openapi.json'
export const SCHEMA_FILE = 'clients/typescript/schema.d.ts'

/** The app's OpenAPI document as the committed file holds it (2-space JSON, newline at the end). */
export async function openApiText(): Promise<string> {
  const config = loadConfig({ LOG_LEVEL: 'silent', WEB_ROOT: 'test/api/fixtures/web' })
  const app = await buildApp(config, new ModelSlot(), { logger: createLogger('silent') })
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`)
    return `${JSON.stringify(res.json(), null, 2)}\n`
  } finally {
    await app.close()
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(`${ROOT}${OPENAPI_FILE}`, await openApiText())
  execFileSync(
    process.execPath,
    ['node_modules/openapi-typescript/bin/cli.js', OPENAPI_FILE, '--output', SCHEMA_FILE],
    { cwd: ROOT, stdio: 'inherit' },
  )
  // Our formatting, so `npm run lint` accepts the generated file as it is.
  execFileSync(
    process.execPath,
    ['node_modules/@biomejs/biome/bin/biome', 'format', '--write', SCHEMA_FILE],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  )
}
