import { describe, expect, it } from 'vitest'
import { parseRateTiers, rateOfToken } from './jwt-tiers.js'

describe('JWT_RATE_TIERS', () => {
  it('reads tier=rate pairs, spaces and empty items allowed', () => {
    expect([...parseRateTiers(' free=60, team = 600,,batch=6000 ')]).toEqual([
      ['free', 60],
      ['team', 600],
      ['batch', 6000],
    ])
    expect(parseRateTiers('').size).toBe(0)
  })

  it.each([
    ['free', /tier "free" needs a whole number of requests per minute >= 1, got ""/],
    ['=60', /"=60" is not <tier>=/],
    ['free=0', /tier "free" needs a whole number of requests per minute >= 1, got "0"/],
    ['free=1.5', /got "1.5"/],
    ['free=ten', /got "ten"/],
    ['free=60,free=70', /tier "free" is given twice/],
    ['f ree=60', /"f ree=60" is not/],
  ])('refuses %j, naming the fault', (text, message) => {
    expect(() => parseRateTiers(text)).toThrow(message)
  })

  it("gives a token its tier's rate; no claim, an unknown tier or a non-string claim get the global limit", () => {
    const tiers = parseRateTiers('free=60,team=600')
    expect(rateOfToken({ sub: 'a', tier: 'team' }, 'tier', tiers)).toBe(600)
    expect(rateOfToken({ sub: 'a', plan: 'free' }, 'plan', tiers)).toBe(60)
    expect(rateOfToken({ sub: 'a' }, 'tier', tiers)).toBeUndefined()
    expect(rateOfToken({ sub: 'a', tier: 'gold' }, 'tier', tiers)).toBeUndefined()
    expect(rateOfToken({ sub: 'a', tier: ['team'] }, 'tier', tiers)).toBeUndefined()
    expect(rateOfToken({ sub: 'a', tier: 'team' }, 'tier', new Map())).toBeUndefined()
  })
})
