import { AggregatorRegistry, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { LabelledCounter, LabelledHistogram } from './labelled.js'

describe('LabelledHistogram / LabelledCounter', () => {
  it('render cumulative buckets, sum and count like prom-client', async () => {
    const reg = new Registry()
    const h = new LabelledHistogram('x_seconds', 'help', ['route'], [0.1, 1, 0.5]).register(reg)
    const a = h.child('/a')
    for (const v of [0.05, 0.1, 0.3, 2]) a.observe(v)
    expect(h.child('/a')).toBe(a)
    const c = new LabelledCounter('y_total', 'help', ['class']).register(reg)
    c.child('setosa').inc(3)
    c.child('setosa').inc()
    const text = await reg.metrics()
    expect(text).toContain('x_seconds_bucket{route="/a",le="0.1"} 2')
    expect(text).toContain('x_seconds_bucket{route="/a",le="0.5"} 3')
    expect(text).toContain('x_seconds_bucket{route="/a",le="1"} 3')
    expect(text).toContain('x_seconds_bucket{route="/a",le="+Inf"} 4')
    expect(text).toContain('x_seconds_sum{route="/a"} 2.45')
    expect(text).toContain('x_seconds_count{route="/a"} 4')
    expect(text).toContain('# TYPE x_seconds histogram')
    expect(text).toContain('y_total{class="setosa"} 4')
    expect(() => h.child('a', 'b')).toThrow(/expected 1 label values/)
  })

  it('observeColumn observes one column of a row-major matrix', async () => {
    const h = new LabelledHistogram('z', 'help', ['f'], [1, 2])
    h.child('f1').observeColumn(Float64Array.from([0.5, 9, 1.5, 9, 3, 9]), 3, 2, 0)
    const child = h.child('f1')
    expect(Array.from(child.counts)).toEqual([1, 1, 1])
    expect(child.count).toBe(3)
  })

  it('sum across workers through prom-client aggregation', async () => {
    const worker = async (n: number) => {
      const reg = new Registry()
      const h = new LabelledHistogram('d_seconds', 'help', ['route'], [1]).register(reg)
      const c = new LabelledCounter('p_total', 'help', ['class']).register(reg)
      for (let i = 0; i < n; i++) h.child('/p').observe(0.5)
      c.child('a').inc(n)
      return reg.getMetricsAsJSON()
    }
    const text = await AggregatorRegistry.aggregate([await worker(2), await worker(3)]).metrics()
    expect(text).toContain('d_seconds_count{route="/p"} 5')
    expect(text).toContain('d_seconds_bucket{route="/p",le="1"} 5')
    expect(text).toContain('p_total{class="a"} 5')
  })
})
