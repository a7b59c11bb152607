import { svg } from './dom.js'
import { formatValue } from './format.js'
import type { PlotPoint } from './page-model.js'
import { marker } from './scatter-marker.js'
import { scale } from './scatter-scale.js'

// Draws one frame of the scatter plot into its <svg>: grid and ticks, axis titles, the training rows as
// class-shaped markers, and the current input as a ring with a cross on top.

const MARGIN = { top: 12, right: 14, bottom: 44, left: 50 }
/** Width of one tick-label character at the plot's font size, a little generous. */
const TICK_CHAR_PX = 8

export interface Frame {
  width: number
  height: number
  points: readonly PlotPoint[]
  classes: readonly string[]
  current: readonly number[]
  /** Values the axes must also cover, per feature (the inputs' ranges when there are no training rows). */
  extents?: readonly (readonly number[])[]
  axes: readonly [number, number]
  titles: readonly [string, string]
  /** Tooltip of a training row: "setosa: 5.1, 3.5, 1.4, 0.2 cm". */
  describe: (point: PlotPoint) => string
  yoursTitle: string
}

export function drawFrame(chart: SVGSVGElement, f: Frame): void {
  const { width, height } = f
  const [fx, fy] = f.axes
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`)
  const ys = scale(
    [...f.points.map((p) => p.values[fy]!), f.current[fy]!, ...(f.extents?.[fy] ?? [])],
    height - MARGIN.bottom,
    MARGIN.top,
  )
  // Room for the longest vertical tick label ("1250") between the axis title and the plot.
  const longest = Math.max(...ys.ticks.map((t) => formatValue(t).length))
  const left = Math.max(MARGIN.left, 24 + longest * TICK_CHAR_PX)
  const xs = scale(
    [...f.points.map((p) => p.values[fx]!), f.current[fx]!, ...(f.extents?.[fx] ?? [])],
    left,
    width - MARGIN.right,
  )

  const axes = svg('g', { class: 'axes' })
  for (const t of xs.ticks) {
    const x = xs.to(t)
    axes.append(
      svg('line', { class: 'grid', x1: x, x2: x, y1: MARGIN.top, y2: height - MARGIN.bottom }),
      svg('text', { x, y: height - MARGIN.bottom + 16, 'text-anchor': 'middle' }, formatValue(t)),
    )
  }
  for (const t of ys.ticks) {
    const y = ys.to(t)
    axes.append(
      svg('line', { class: 'grid', x1: left, x2: width - MARGIN.right, y1: y, y2: y }),
      svg('text', { x: left - 8, y: y + 4, 'text-anchor': 'end' }, formatValue(t)),
    )
  }
  const midX = (left + width - MARGIN.right) / 2
  const midY = (MARGIN.top + height - MARGIN.bottom) / 2
  axes.append(
    svg('text', { class: 'axis-title', x: midX, y: height - 8, 'text-anchor': 'middle' }, f.titles[0]),
    svg(
      'text',
      { class: 'axis-title', x: 14, y: midY, 'text-anchor': 'middle', transform: `rotate(-90 14 ${midY})` },
      f.titles[1],
    ),
  )

  const points = svg('g', { class: 'points' })
  for (const p of f.points) {
    const shape = marker(f.classes.indexOf(p.label), xs.to(p.values[fx]!), ys.to(p.values[fy]!), 4)
    shape.append(svg('title', {}, f.describe(p)))
    points.append(shape)
  }

  const cx = xs.to(f.current[fx]!)
  const cy = ys.to(f.current[fy]!)
  const current = svg(
    'g',
    { class: 'current' },
    svg('line', { x1: cx - 14, x2: cx + 14, y1: cy, y2: cy }),
    svg('line', { x1: cx, x2: cx, y1: cy - 14, y2: cy + 14 }),
    svg('circle', { class: 'current-ring', cx, cy, r: 8 }),
    svg('title', {}, f.yoursTitle),
  )
  chart.replaceChildren(axes, points, current)
}
