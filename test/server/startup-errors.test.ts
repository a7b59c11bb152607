/**
 * Settings that cannot work stop start-up with one line on stderr that names the setting, no stack trace,
 * exit 1, before any worker is forked (src/server/preflight.ts, issue 18 point 4). Real processes: the
 * built server, as `npm start` and the image run it.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../../dev/harness/build.js'
import { type Running, startServer } from '../../dev/harness/server-process.js'

beforeAll(() => ensureBuilt(), 300_000)

let running: Running | undefined
afterEach(async () => {
  await running?.stop(2000)
  running = undefined
})

const cases: [string, Record<string, string>, RegExp][] = [
  [
    'HOST=not-a-host',
    { HOST: 'not-a-host.invalid' },
    /^HOST: "not-a-host\.invalid" is not an IP address nor a host name that resolves here \(ENOTFOUND\)/,
  ],
  [
    'API_KEYS_FILE=/nonexistent',
    { API_KEYS_FILE: '/nonexistent' },
    /^API_KEYS_FILE: \/nonexistent does not exist \(SHA-256 digests of the keys/,
  ],
  ['CORS_ORIGINS=not a url', { CORS_ORIGINS: 'not a url' }, /^CORS_ORIGINS: "not a url"/],
  [
    'JWT_RATE_TIERS=free=lots',
    {
      JWT_JWKS_URL: 'http://127.0.0.1:9/jwks',
      JWT_ISSUER: 'https://idp.example',
      JWT_AUDIENCE: 'iris',
      JWT_RATE_TIERS: 'free=lots',
    },
    /^JWT_RATE_TIERS: tier "free" needs a whole number of requests per minute >= 1, got "lots"/,
  ],
  [
    'MODEL_PATH=/nonexistent',
    { MODEL_PATH: '/nonexistent' },
    /^MODEL_PATH: \/nonexistent does not exist \(the model file to serve\)/,
  ],
  [
    'MODELS_DIR that does not exist',
    { MODELS_DIR: '/nonexistent-models' },
    /^MODELS_DIR: \/nonexistent-models does not exist/,
  ],
  [
    'WEB_ROOT that does not exist',
    { WEB_ROOT: '/nonexistent-web' },
    /^WEB_ROOT: \/nonexistent-web does not exist/,
  ],
]

describe('start-up refuses a setting that cannot work, in one line naming it', () => {
  it.each(cases)(
    '%s',
    async (_name, env, message) => {
      running = await startServer({ WORKERS: '2', ...env })
      const { code } = await running.exited
      expect(code).toBe(1)
      const stderr = running.stderr.join('')
      const lines = stderr.trimEnd().split('\n')
      expect(lines, stderr).toHaveLength(1)
      expect(lines[0]).toMatch(message)
      expect(stderr).not.toMatch(/^\s+at /m)
      // Nothing was forked: no worker ever logged.
      expect(running.lines.filter((l) => l.includes('"Model loaded"'))).toEqual([])
    },
    60_000,
  )
})
