// API keys and access rules: test/reliability/auth-units.test.ts. Rate-limit counting: src/api/security/rate-limiter.test.ts.
import { describe, expect, it } from 'vitest'
import { parseCorsOrigins } from '../../src/api/security/headers.js'

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
