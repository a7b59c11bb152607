import { formatValue } from './format.js'
import type { InputSpec } from './inputs.js'
import type { PlotPoint } from './page-model.js'
import type { Wording } from './wording.js'

// The scatter plot's text: where the current input sits on the two plotted features and which training
// row is nearest there. Distances are in the features' unit when both share one (Iris: cm); otherwise
// each axis is measured in its own span, so a feature in the thousands does not drown one below 1.

export interface Nearest {
  point: PlotPoint
  distance: number
}

export function nearestPoint(
  points: readonly PlotPoint[],
  current: readonly number[],
  axes: readonly [number, number],
  divisors: readonly [number, number] = [1, 1],
): Nearest | null {
  let best: Nearest | null = null
  for (const point of points) {
    const d = Math.hypot(
      (point.values[axes[0]]! - current[axes[0]]!) / divisors[0],
      (point.values[axes[1]]! - current[axes[1]]!) / divisors[1],
    )
    if (best === null || d < best.distance) best = { point, distance: d }
  }
  return best
}

function valueText(spec: InputSpec, value: number): string {
  return `${spec.short} ${formatValue(value)}${spec.unit ? ` ${spec.unit}` : ''}`
}

/** The features' shared unit ("cm"), or null when they differ or have none. */
export function sharedUnit(a: InputSpec, b: InputSpec): string | null {
  return a.unit !== null && a.unit === b.unit ? a.unit : null
}

export function scatterCaption(
  inputs: readonly InputSpec[],
  points: readonly PlotPoint[],
  current: readonly number[],
  axes: readonly [number, number],
  words: Wording,
): string {
  const [fx, fy] = axes
  const x = inputs[fx]!
  const y = inputs[fy]!
  const where = `${words.yoursCapital}: ${valueText(x, current[fx]!)}, ${valueText(y, current[fy]!)}.`
  if (points.length === 0)
    return `${where} No training ${words.thing}s came with this model to compare it with.`
  const unit = sharedUnit(x, y)
  const span = (f: number) => {
    const values = points.map((p) => p.values[f]!)
    return Math.max(...values) - Math.min(...values) || 1
  }
  const divisors: [number, number] = unit ? [1, 1] : [span(fx), span(fy)]
  const near = nearestPoint(points, current, axes, divisors)!
  const measured = words.thing === 'flower' ? 'measurements' : 'features'
  const away = unit ? ` (${formatValue(Math.round(near.distance * 100) / 100)} ${unit} away)` : ''
  return `${where} The nearest training ${words.thing} on these two ${measured} is a ${near.point.label}${away}.`
}
