/**
 * docker-compose.yml takes the security settings from the environment (shell or .env), as deploy/README.md
 * says, so nobody edits the file to turn on keys: each is passed through to the API service with an empty
 * (off) default, each is a real setting of src/config.ts, and `docker-compose config` resolves them.
 */
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { CONFIG_NAMES, configDefault, expectSuccess, itWithTool, readText, run, TOOLS } from './support.js'

const SECURITY = [
  'API_KEYS',
  'API_KEYS_FILE',
  'ADMIN_API_KEYS',
  'ADMIN_API_KEYS_FILE',
  'METRICS_REQUIRE_KEY',
  'JWT_JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_RATE_TIERS',
  'JWT_TIER_CLAIM',
  'CORS_ORIGINS',
  'RATE_LIMIT_MAX',
  'RATE_LIMIT_WINDOW_S',
  'TRUST_PROXY',
]
type Service = { environment?: Record<string, string> }
const api = (parseYaml(readText('docker-compose.yml')) as { services: Record<string, Service> }).services[
  'iris-api'
] as Service

describe('docker-compose.yml passes the security settings through', () => {
  it.each(SECURITY)('%s comes from the environment, defaulting to the setting default', (name) => {
    expect(CONFIG_NAMES.has(name)).toBe(true)
    const value = api.environment?.[name]
    const match = /^\$\{(\w+):-([^}]*)\}$/.exec(String(value))
    expect(match?.[1], `${name}: ${value}`).toBe(name)
    expect(match?.[2]).toBe(String(configDefault(name) ?? ''))
  })

  itWithTool('docker-compose config resolves keys given in the environment', TOOLS.compose, (cmd) => {
    const key = 'k'.repeat(32)
    const r = run(cmd, ['config'], { API_KEYS: key, CORS_ORIGINS: 'https://app.example.com' })
    expectSuccess(r, 'docker-compose config')
    const resolved = parseYaml(r.stdout) as { services: Record<string, Service> }
    expect(resolved.services['iris-api']?.environment).toMatchObject({
      API_KEYS: key,
      CORS_ORIGINS: 'https://app.example.com',
      ADMIN_API_KEYS: '',
    })
  })
})
