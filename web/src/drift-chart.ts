// One feature's reference and live distributions overlaid, over GET /drift's bins (the reference deciles):
// outlined bars for the training data, filled bars for the live window. Plain SVG, classes for colours (CSP).

import { svg } from './dom.js'
import { formatValue } from './format.js'

const WIDTH = 260
const HEIGHT = 96
const PAD = 16

export function driftChart(
  label: string,
  bins: { edges: number[]; reference: number[]; live: number[] },
): SVGSVGElement {
  const n = bins.reference.length
  const top = Math.max(...bins.reference, ...bins.live, 1e-9)
  const slot = (WIDTH - 2 * PAD) / n
  const bar = slot * 0.42
  const base = HEIGHT - PAD
  const h = (share: number) => (share / top) * (HEIGHT - 2 * PAD)
  const figure = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: 'drift-chart',
    role: 'img',
    'aria-label': `${label}: share of the training rows (outlined) and of the live rows (filled) in ${n} bins cut at the training deciles`,
  })
  for (let i = 0; i < n; i++) {
    const x = PAD + i * slot
    const ref = bins.reference[i]!
    const live = bins.live[i]!
    figure.append(
      svg('rect', { class: 'drift-ref', x: x + slot * 0.06, y: base - h(ref), width: bar, height: h(ref) }),
      svg('rect', {
        class: 'drift-live',
        x: x + slot * 0.52,
        y: base - h(live),
        width: bar,
        height: h(live),
      }),
    )
  }
  figure.append(
    svg('line', { class: 'drift-axis', x1: PAD, x2: WIDTH - PAD, y1: base, y2: base }),
    svg(
      'text',
      { class: 'drift-tick', x: PAD + slot, y: HEIGHT - 3, 'text-anchor': 'middle' },
      formatValue(bins.edges[0] ?? 0),
    ),
    svg(
      'text',
      { class: 'drift-tick', x: WIDTH - PAD - slot, y: HEIGHT - 3, 'text-anchor': 'middle' },
      formatValue(bins.edges.at(-1) ?? 0),
    ),
  )
  return figure
}
