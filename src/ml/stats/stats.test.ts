import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  chiSquaredGoodnessOfFit,
  decileEdges,
  kolmogorovSf,
  ks2samp,
  mcnemarExact,
  PSI_EPSILON,
  psi,
  sortedCopy,
  wilsonInterval,
} from './index.js'

// Made by scripts/stats_fixture.py with scipy (Debian's python3-scipy); no Python needed here.
type Grid = { n: number; scale: number; shift: number }
interface Fixture {
  scipy_version: string
  psi_epsilon: number
  ks_2samp: {
    name: string
    a: number[] | Grid
    b: number[] | Grid
    statistic: number
    p_value: number
    method: string
  }[]
  psi: { name: string; reference: number[]; live: number[]; edges: number[]; psi: number }[]
  chisquare: { name: string; observed: number[]; proportions: number[]; statistic: number; p_value: number }[]
  mcnemar_exact: { b: number; c: number; p_value: number }[]
  wilson: { successes: number; trials: number; low: number; high: number }[]
  kstwo_sf: { n: number; x: number; sf: number }[]
}
const fixture = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/scipy-stats.json', import.meta.url), 'utf8'),
) as Fixture

const sample = (s: number[] | Grid): number[] =>
  Array.isArray(s) ? s : Array.from({ length: s.n }, (_, i) => ((i + 0.5) / s.n) * s.scale + s.shift)

/** Relative agreement, with an absolute floor for values near 0. */
function close(actual: number, expected: number, relative: number, absolute = 1e-300): void {
  if (expected === actual) return
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    Math.max(absolute, relative * Math.abs(expected)),
  )
}

describe(`statistics against scipy ${fixture.scipy_version}`, () => {
  it.each(fixture.ks_2samp.map((c) => [c.name, c] as const))('ks_2samp: %s', (_, c) => {
    const r = ks2samp(sample(c.a), sample(c.b))
    expect(r.method).toBe(c.method)
    close(r.statistic, c.statistic, 1e-13)
    close(r.pValue, c.p_value, c.method === 'exact' ? 1e-9 : 1e-7, 1e-15)
  })

  it.each(fixture.kstwo_sf.map((c) => [c.n, c.x, c] as const))('kstwo.sf n=%i x=%f', (_, __, c) => {
    close(kolmogorovSf(c.x, c.n), c.sf, 1e-8, 1e-14)
  })

  it.each(fixture.psi.map((c) => [c.name, c] as const))('psi: %s', (_, c) => {
    expect(decileEdges(sortedCopy(c.reference, 'reference'))).toEqual(c.edges)
    close(psi(c.reference, c.live), c.psi, 1e-12, 1e-15)
  })

  it.each(fixture.chisquare.map((c) => [c.name, c] as const))('chisquare: %s', (_, c) => {
    const r = chiSquaredGoodnessOfFit(c.observed, c.proportions)
    close(r.statistic, c.statistic, 1e-12, 1e-12)
    close(r.pValue, c.p_value, 1e-10, 1e-300)
  })

  it.each(fixture.mcnemar_exact.map((c) => [c.b, c.c, c] as const))('mcnemar exact b=%i c=%i', (_, __, c) => {
    close(mcnemarExact(c.b, c.c), c.p_value, 1e-11, 1e-300)
  })

  it.each(fixture.wilson.map((c) => [c.successes, c.trials, c] as const))('wilson %i/%i', (_, __, c) => {
    const r = wilsonInterval(c.successes, c.trials)
    close(r.low, c.low, 1e-13, 1e-15)
    close(r.high, c.high, 1e-13, 1e-15)
  })

  it('uses the documented epsilon for empty bins', () => {
    expect(PSI_EPSILON).toBe(fixture.psi_epsilon)
  })
})

// Where the same scipy is installed, the committed fixture must be exactly what the script makes now.
const python = '/usr/bin/python3'
const scipyVersion = existsSync(python)
  ? spawnSync(python, ['-c', 'import scipy; print(scipy.__version__)'], { encoding: 'utf8' }).stdout?.trim()
  : undefined
describe.runIf(scipyVersion === fixture.scipy_version)('the committed scipy fixture', () => {
  it('is what scripts/stats_fixture.py prints today', () => {
    const script = fileURLToPath(new URL('../../../scripts/stats_fixture.py', import.meta.url))
    const run = spawnSync(python, [script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(fixture)
  })
})

describe('statistics: bad input is refused with a message', () => {
  it('NaN or empty samples', () => {
    expect(() => ks2samp([], [1])).toThrow(/first sample is empty/)
    expect(() => ks2samp([1, Number.NaN], [1])).toThrow(/first sample\[1\] is NaN/)
    expect(() => psi([1, 2], [Number.NaN])).toThrow(/live sample\[0\] is NaN/)
  })
  it('counts and proportions', () => {
    expect(() => chiSquaredGoodnessOfFit([1, 2], [1])).toThrow(/2 observed counts but 1/)
    expect(() => chiSquaredGoodnessOfFit([1, -2], [0.5, 0.5])).toThrow(/observed\[1\]/)
    expect(() => mcnemarExact(1.5, 2)).toThrow(/b = 1.5/)
    expect(() => wilsonInterval(3, 2)).toThrow(/successes = 3/)
  })
  it('an impossible category observed gives p = 0, an empty window p = 1', () => {
    expect(chiSquaredGoodnessOfFit([1, 5], [0, 1]).pValue).toBe(0)
    expect(chiSquaredGoodnessOfFit([0, 0, 0], [1, 1, 1]).pValue).toBe(1)
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 })
  })
  it('infinite values order like any other and keep the statistics finite', () => {
    const r = ks2samp([1, 2, 3], [Number.POSITIVE_INFINITY, 1e308, -1e308])
    expect(r.statistic).toBeCloseTo(2 / 3, 12)
    expect(r.pValue).toBeGreaterThan(0)
    expect(
      Number.isFinite(psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1e300, -1e300, Number.POSITIVE_INFINITY])),
    ).toBe(true)
  })
})
