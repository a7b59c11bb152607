/** Units of access control: key sources and files, start-up rules, the decision table of the Gate. */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  KeyFileError,
  keyTable,
  parseDigestLines,
  parseKeyFile,
  parseKeyJson,
  parseKeyList,
} from '../../src/api/security/api-keys.js'
import { KeyStore } from '../../src/api/security/api-keys-store.js'
import { Gate } from '../../src/api/security/auth.js'
import { DEFAULT_KEY_SCOPES } from '../../src/api/security/scopes.js'
import { ConfigError, loadConfig } from '../../src/config.js'

const hex = (s: string) => createHash('sha256').update(s).digest('hex')
const NONE = { apiKeys: '', adminApiKeys: '', apiKeysFile: '', adminApiKeysFile: '' }

describe('API key sources', () => {
  it('hashes a comma list, skipping blanks, naming keys by position', () => {
    const entries = parseKeyList(' alpha, ,beta ', 'api-key', DEFAULT_KEY_SCOPES)
    expect(entries.map((e) => [e.name, e.sha256])).toEqual([
      ['api-key-1', hex('alpha')],
      ['api-key-2', hex('beta')],
    ])
  })

  it('reads digest lines with comments and blank lines; names the file and line of a fault', () => {
    const entries = parseDigestLines(
      `# ops\n${hex('a')}\n\n${hex('b').toUpperCase()}  # ci\n`,
      'k.txt',
      'f',
      DEFAULT_KEY_SCOPES,
    )
    expect(entries.map((e) => e.sha256)).toEqual([hex('a'), hex('b')])
    expect(() => parseDigestLines(`${hex('a')}\nnot-a-hash\n`, 'k.txt', 'f', DEFAULT_KEY_SCOPES)).toThrow(
      new KeyFileError('k.txt:2: expected a SHA-256 digest (64 hex digits)'),
    )
    expect(() => parseDigestLines('# nothing\n', 'empty.txt', 'f', DEFAULT_KEY_SCOPES)).toThrow(
      /empty.txt: no key digests/,
    )
  })

  it('reads the JSON form with names, scopes and tiers', () => {
    const text = JSON.stringify([
      { name: 'batch-team', sha256: hex('batch'), scopes: ['predict', 'explain'], rate_per_minute: 600 },
      { name: 'ops', sha256: hex('ops'), scopes: ['admin', 'metrics'] },
    ])
    const table = keyTable(parseKeyFile(text, 'keys.json', 'API_KEYS_FILE', true))
    const batch = table.get(hex('batch'))!
    expect(batch).toMatchObject({ id: 'key:batch-team', kind: 'key', name: 'batch-team', ratePerMinute: 600 })
    expect([...batch.scopes]).toEqual(['predict', 'explain'])
    expect([...table.get(hex('ops'))!.scopes]).toEqual(['admin', 'metrics'])
    expect(table.get(hex('ops'))!.ratePerMinute).toBeUndefined()
  })

  it.each([
    ['not JSON', '[{', /keys.json: not valid JSON/],
    ['empty array', '[]', /keys.json: expected a non-empty JSON array/],
    ['not an object', '[1]', /keys.json: entry 1: expected an object/],
    ['bad name', `[{"name":"a b","sha256":"${hex('x')}","scopes":["predict"]}]`, /entry 1: name must be/],
    [
      'bad digest',
      '[{"name":"a","sha256":"abc","scopes":["predict"]}]',
      /entry 1 \("a"\): sha256 must be 64 hex/,
    ],
    [
      'no scopes',
      `[{"name":"a","sha256":"${hex('x')}","scopes":[]}]`,
      /entry 1 \("a"\): scopes must be a non-empty/,
    ],
    [
      'unknown scope',
      `[{"name":"a","sha256":"${hex('x')}","scopes":["predcit"]}]`,
      /unknown scope "predcit"/,
    ],
    [
      'bad tier',
      `[{"name":"a","sha256":"${hex('x')}","scopes":["predict"],"rate_per_minute":0}]`,
      /rate_per_minute must be a positive integer/,
    ],
    [
      'unknown field',
      `[{"name":"a","sha256":"${hex('x')}","scopes":["predict"],"key":"secret"}]`,
      /unknown field "key"/,
    ],
    [
      'duplicate name',
      `[{"name":"a","sha256":"${hex('x')}","scopes":["predict"]},{"name":"a","sha256":"${hex('y')}","scopes":["read"]}]`,
      /entry 2: name "a" is used twice/,
    ],
  ])('refuses a malformed JSON key file: %s', (_name, text, fault) => {
    expect(() => parseKeyJson(text, 'keys.json')).toThrow(fault)
    expect(() => parseKeyJson(text, 'keys.json')).toThrow(KeyFileError)
  })

  it('merges the scopes of a key listed twice (an ordinary and an admin list)', () => {
    const store = new KeyStore({
      ...NONE,
      apiKeys: 'same-key-0123456789',
      adminApiKeys: 'same-key-0123456789',
    })
    expect([...store.lookup('same-key-0123456789')!.scopes].sort()).toEqual([
      'admin',
      'explain',
      'feedback',
      'metrics',
      'predict',
      'read',
    ])
    expect(store.lookup('other-key-0123456789')).toBeUndefined()
  })
})

describe('start-up rules (ConfigError, one line naming the variable)', () => {
  const fault = (env: Record<string, string>) => {
    try {
      loadConfig(env)
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      return (err as Error).message
    }
    return ''
  }

  it('refuses keys shorter than 16 characters without echoing them', () => {
    const message = fault({ API_KEYS: 'long-enough-key-0001,short-secret' })
    expect(message).toMatch(/API_KEYS: key 2 of 2 has 12 characters; each key needs at least 16/)
    expect(message).not.toContain('short-secret')
    expect(message).not.toContain('\n')
    expect(fault({ ADMIN_API_KEYS: 'tiny' })).toMatch(
      /^Invalid configuration: ADMIN_API_KEYS: key 1 of 1 has 4/,
    )
    expect(fault({ API_KEYS: 'long-enough-key-0001' })).toBe('')
  })

  it('METRICS_REQUIRE_KEY=true needs some key or token that could read /metrics', () => {
    expect(fault({ METRICS_REQUIRE_KEY: 'true' })).toMatch(
      /METRICS_REQUIRE_KEY=true but no key or token could read \/metrics/,
    )
    expect(fault({ METRICS_REQUIRE_KEY: 'true', ADMIN_API_KEYS: 'admin-key-0123456789' })).toMatch(
      /METRICS_REQUIRE_KEY/,
    )
    expect(fault({ METRICS_REQUIRE_KEY: 'true', API_KEYS: 'long-enough-key-0001' })).toBe('')
  })

  it('JWT settings come together, with an http(s) JWKS URL', () => {
    expect(fault({ JWT_JWKS_URL: 'https://idp.example/jwks' })).toMatch(
      /JWT_JWKS_URL, JWT_ISSUER and JWT_AUDIENCE are required together; missing JWT_ISSUER, JWT_AUDIENCE/,
    )
    expect(fault({ JWT_JWKS_URL: 'file:///etc/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' })).toMatch(
      /JWT_JWKS_URL must be an http\(s\) URL/,
    )
    expect(fault({ JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' })).toBe('')
  })

  it('JWT_RATE_TIERS needs bearer tokens configured', () => {
    expect(fault({ JWT_RATE_TIERS: 'free=60' })).toMatch(
      /JWT_RATE_TIERS is set but JWT_JWKS_URL is not: rate tiers apply to bearer tokens/,
    )
    const jwt = { JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }
    expect(fault({ ...jwt, JWT_RATE_TIERS: 'free=60' })).toBe('')
  })
})

describe('the decision table (what a matched route needs)', () => {
  const gate = (sources: Partial<typeof NONE>, metricsRequireKey = false) =>
    new Gate({ keys: new KeyStore({ ...NONE, ...sources }), metricsRequireKey })

  it('with ordinary keys: scopes guard their routes, open stays open, unmatched non-GET needs a credential', () => {
    const g = gate({ apiKeys: 'long-enough-key-0001' })
    expect(g.need('open', 'GET')).toBeNull()
    expect(g.need('predict', 'POST')).toBe('predict')
    expect(g.need('read', 'GET')).toBe('read')
    expect(g.need('metrics', 'GET')).toBeNull()
    expect(g.need('admin', 'POST')).toBe('admin')
    expect(g.need(undefined, 'GET')).toBeNull()
    expect(g.need(undefined, 'POST')).toBe('any')
    expect(g.adminPossible()).toBe(false)
    expect(gate({ apiKeys: 'long-enough-key-0001' }, true).need('metrics', 'GET')).toBe('metrics')
  })

  it('with admin keys alone: only admin is guarded', () => {
    const g = gate({ adminApiKeys: 'admin-key-0123456789' })
    expect(g.need('predict', 'POST')).toBeNull()
    expect(g.need('admin', 'POST')).toBe('admin')
    expect(g.adminPossible()).toBe(true)
  })

  it('refuses with the reason: missing, invalid, too long, insufficient scope', () => {
    const g = gate({ apiKeys: 'long-enough-key-0001' })
    expect(() => g.check({}, 'predict', 'POST')).toThrow(/missing API key/)
    expect(() => g.check({ 'x-api-key': 'wrong-key-0123456789' }, 'predict', 'POST')).toThrow(
      /^invalid API key$/,
    )
    expect(() => g.check({ authorization: `Bearer ${'x'.repeat(9000)}` }, 'predict', 'POST')).toThrow(
      /longer than 8192/,
    )
    expect(() => g.check({ 'x-api-key': 'long-enough-key-0001' }, 'admin', 'POST')).toThrow(
      /admin endpoints are disabled/,
    )
    expect(g.check({ 'x-api-key': 'long-enough-key-0001' }, 'predict', 'POST')).toMatchObject({
      id: 'key:api-key-1',
    })
    const admin = gate({ apiKeys: 'long-enough-key-0001', adminApiKeys: 'admin-key-0123456789' })
    expect(() => admin.check({ 'x-api-key': 'long-enough-key-0001' }, 'admin', 'POST')).toThrow(
      /insufficient_scope: this route needs the "admin" scope, which key "api-key-1" does not have/,
    )
  })
})
