import { roundTo } from './inputs.js'

// A linear axis for the scatter plot: "nice" round ticks (1, 2, 2.5 or 5 times a power of ten), about six
// of them, covering every value. Iris gets the seed page's axes (petal length 1-7 by 1, width 0-2.5 by 0.5).

export interface Scale {
  readonly min: number
  readonly max: number
  readonly ticks: readonly number[]
  readonly to: (v: number) => number
}

const TARGET_TICKS = 6
const NICE = [1, 2, 2.5, 5, 10]

/** The smallest nice step at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const power = 10 ** Math.floor(Math.log10(raw))
  const unit = NICE.find((n) => n * power >= raw * (1 - 1e-9)) ?? 10
  return unit * power
}

/** Maps the values' span, widened to whole ticks, onto [rangeStart, rangeEnd] (either may be the larger). */
export function scale(values: readonly number[], rangeStart: number, rangeEnd: number): Scale {
  const finite = values.filter(Number.isFinite)
  const lo = finite.length ? Math.min(...finite) : 0
  const hi = finite.length ? Math.max(...finite) : 1
  // One value alone still gets an axis around it (a tenth of its size, at least 1 wide).
  const span = hi > lo ? hi - lo : Math.max(Math.abs(hi) * 0.1, 1)
  const step = niceStep(span / TARGET_TICKS)
  const min = roundTo(Math.floor(lo / step) * step, step)
  const max = roundTo(Math.max(Math.ceil(hi / step) * step, min + step), step)
  const ticks: number[] = []
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(roundTo(min + i * step, step))
  return { min, max, ticks, to: (v) => rangeStart + ((v - min) / (max - min)) * (rangeEnd - rangeStart) }
}
