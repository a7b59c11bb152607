import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  ApiKeyFileError,
  hashKey,
  matchKey,
  needsKey,
  parseKeyHashFile,
  parseKeyList,
} from '../../src/api/security/auth.js'
import { parseCorsOrigins } from '../../src/api/security/headers.js'
import { FixedWindowLimiter } from '../../src/api/security/rate-limit.js'

const hex = (s: string) => createHash('sha256').update(s).digest('hex')

describe('API key parsing', () => {
  it('hashes a comma list, skipping blanks', () => {
    const hashes = parseKeyList(' alpha, ,beta ')
    expect(hashes.map((h) => h.toString('hex'))).toEqual([hex('alpha'), hex('beta')])
  })

  it('reads a digest file with comments and blank lines', () => {
    const hashes = parseKeyHashFile(
      `# ops keys\n${hex('a')}\n\n${hex('b').toUpperCase()}  # ci\n`,
      'keys.txt',
    )
    expect(hashes.map((h) => h.toString('hex'))).toEqual([hex('a'), hex('b')])
  })

  it('names the file and line of a malformed digest', () => {
    expect(() => parseKeyHashFile(`${hex('a')}\nnot-a-hash\n`, 'keys.txt')).toThrow(
      new ApiKeyFileError('keys.txt:2: expected a SHA-256 digest (64 hex digits)'),
    )
    expect(() => parseKeyHashFile('# nothing\n', 'empty.txt')).toThrow(/empty.txt: no key digests/)
  })

  it('matches the right key whatever its position, and no other', () => {
    const hashes = [hashKey('one'), hashKey('two'), hashKey('three')]
    expect(matchKey(hashes, 'three')).toBe(2)
    expect(matchKey(hashes, 'one')).toBe(0)
    expect(matchKey(hashes, 'thre')).toBe(-1)
    expect(matchKey(hashes, '')).toBe(-1)
  })
})

describe('which requests need a key', () => {
  it('keeps probes and reads open, closes computing and admin routes', () => {
    expect(needsKey('GET', '/health', false)).toBe(false)
    expect(needsKey('GET', '/health/ready', false)).toBe(false)
    expect(needsKey('GET', '/v2/health/live', false)).toBe(false)
    expect(needsKey('GET', '/metrics', false)).toBe(false)
    expect(needsKey('GET', '/metrics', true)).toBe(true)
    expect(needsKey('POST', '/predict', false)).toBe(true)
    expect(needsKey('POST', '/v2/models/iris/infer', false)).toBe(true)
    expect(needsKey('GET', '/admin/anything', false)).toBe(true)
    expect(needsKey('GET', '/model', false)).toBe(false)
  })
})

describe('fixed-window limiter', () => {
  it('allows max per window per client, then refuses until the window ends', () => {
    let now = 10_000
    const limiter = new FixedWindowLimiter(3, 1000, 100, () => now)
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true])
    const refused = limiter.hit('a')
    expect(refused).toEqual({ allowed: false, remaining: 0, resetMs: 1000 })
    expect(limiter.hit('b').allowed).toBe(true)
    now += 999
    expect(limiter.hit('a').resetMs).toBe(1)
    now += 1
    expect(limiter.hit('a')).toEqual({ allowed: true, remaining: 2, resetMs: 1000 })
  })

  it('bounds its memory: clients beyond the cap share one bucket', () => {
    const limiter = new FixedWindowLimiter(2, 60_000, 2, () => 0)
    limiter.hit('a')
    limiter.hit('b')
    expect(limiter.hit('c').allowed).toBe(true)
    expect(limiter.hit('d').allowed).toBe(true)
    expect(limiter.hit('e').allowed).toBe(false)
    expect(limiter.hit('a').allowed).toBe(true)
  })
})

describe('CORS_ORIGINS', () => {
  it('accepts bare origins and refuses paths and other schemes', () => {
    expect(parseCorsOrigins('https://a.example, http://localhost:5173/')).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ])
    expect(parseCorsOrigins('')).toEqual([])
    expect(() => parseCorsOrigins('https://a.example/app')).toThrow(/bare origin/)
    expect(() => parseCorsOrigins('ftp://a.example')).toThrow(/bare origin/)
    expect(() => parseCorsOrigins('nonsense')).toThrow(/not an origin/)
  })
})
