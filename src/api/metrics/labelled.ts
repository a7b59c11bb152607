/**
 * Hot-path counters and histograms that plug into a prom-client Registry.
 * prom-client's own observe() builds a label hash and allocates on every call (~0.3 us); a 100-row request
 * observes 400 feature values, so that cost would rival the forest itself. Here each label set is a child
 * created once and an observation is a bucket scan plus two additions. The objects implement the
 * `get()` contract prom-client uses for text output and for cluster aggregation (aggregator "sum").
 */
import type { Metric, Registry } from 'prom-client'

interface Sample {
  value: number
  labels: Record<string, string | number>
  metricName?: string
}

abstract class Labelled<Child> {
  readonly aggregator = 'sum'
  private readonly children = new Map<string, { labels: Record<string, string>; child: Child }>()

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  protected abstract create(): Child
  protected abstract samples(labels: Record<string, string>, child: Child, out: Sample[]): void

  /** The child for these label values (in labelNames order); create once, keep the reference. */
  child(...values: string[]): Child {
    const key = values.join('\u0000')
    let entry = this.children.get(key)
    if (entry === undefined) {
      if (values.length !== this.labelNames.length)
        throw new Error(`${this.name}: expected ${this.labelNames.length} label values`)
      const labels: Record<string, string> = {}
      this.labelNames.forEach((n, i) => {
        labels[n] = values[i] as string
      })
      entry = { labels, child: this.create() }
      this.children.set(key, entry)
    }
    return entry.child
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    const values: Sample[] = []
    for (const { labels, child } of this.children.values()) this.samples(labels, child, values)
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  abstract readonly type: 'counter' | 'histogram'

  register(registry: Registry): this {
    registry.registerMetric(this as unknown as Metric<string>)
    return this
  }
}

export class CounterChild {
  value = 0
  inc(n = 1): void {
    this.value += n
  }
}

export class LabelledCounter extends Labelled<CounterChild> {
  readonly type = 'counter'
  protected create(): CounterChild {
    return new CounterChild()
  }
  protected samples(labels: Record<string, string>, child: CounterChild, out: Sample[]): void {
    out.push({ value: child.value, labels })
  }
}

export class HistogramChild {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
  readonly counts: Float64Array
  sum = 0
  count = 0
  constructor(readonly bounds: Float64Array) {
    this.counts = new Float64Array(bounds.length + 1)
  }
  observe(v: number): void {
    const b = this.bounds
    let i = 0
    while (i < b.length && v > (b[i] as number)) i++
    ;(this.counts as unknown as number[])[i]++
    this.sum += v
    this.count++
  }
  /** Observe rows[r * stride + offset] for r < nRows (one feature column of a row-major matrix). */
  observeColumn(rows: Float64Array, nRows: number, stride: number, offset: number): void {
    for (let r = 0, k = offset; r < nRows; r++, k += stride) this.observe(rows[k] as number)
  }
}

export class LabelledHistogram extends Labelled<HistogramChild> {
  readonly type = 'histogram'
  private readonly bounds: Float64Array

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames)
    this.bounds = Float64Array.from([...buckets].sort((a, b) => a - b))
  }
  protected create(): HistogramChild {
    return new HistogramChild(this.bounds)
  }
  protected samples(labels: Record<string, string>, child: HistogramChild, out: Sample[]): void {
    let cumulative = 0
    const bucket = `${this.name}_bucket`
    child.bounds.forEach((le, i) => {
      cumulative += child.counts[i] as number
      out.push({ value: cumulative, labels: { ...labels, le }, metricName: bucket })
    })
    out.push({ value: child.count, labels: { ...labels, le: '+Inf' }, metricName: bucket })
    out.push({ value: child.sum, labels, metricName: `${this.name}_sum` })
    out.push({ value: child.count, labels, metricName: `${this.name}_count` })
  }
}
