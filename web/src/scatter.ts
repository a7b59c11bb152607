import { byId, el, svg } from './dom.js'
import { FEATURES } from './features.js'
import { formatCm, speciesClass } from './format.js'
import { nearestFlower, type TrainingData } from './iris-data.js'
import type { FlowerStore } from './state.js'

// The 150 training flowers on two chosen measurements, coloured (and shaped, for colour-blind readers)
// by species, with the current flower drawn on top. Drawn by hand in SVG: no chart library.

const MARGIN = { top: 12, right: 14, bottom: 44, left: 50 }

interface Scale {
  min: number
  max: number
  ticks: number[]
  to: (v: number) => number
}

function scale(values: readonly number[], rangeStart: number, rangeEnd: number): Scale {
  const lo = Math.floor(Math.min(...values) * 2) / 2
  const hi = Math.ceil(Math.max(...values) * 2) / 2
  const span = Math.max(hi - lo, 0.5)
  const step = span > 6 ? 2 : span > 3 ? 1 : 0.5
  const min = Math.floor(lo / step) * step
  const max = Math.max(Math.ceil(hi / step) * step, min + step)
  const ticks: number[] = []
  for (let t = min; t <= max + 1e-9; t += step) ticks.push(Math.round(t * 10) / 10)
  return { min, max, ticks, to: (v) => rangeStart + ((v - min) / (max - min)) * (rangeEnd - rangeStart) }
}

/** Marker per species index: circle, square, triangle (shape as well as colour carries the species). */
function marker(index: number, x: number, y: number, r: number): SVGElement {
  const cls = `point ${speciesClass(index)}`
  if (index % 3 === 1) return svg('rect', { class: cls, x: x - r, y: y - r, width: 2 * r, height: 2 * r })
  if (index % 3 === 2) {
    const h = r * 1.25
    return svg('polygon', {
      class: cls,
      points: `${x},${y - h} ${x + h},${y + h * 0.8} ${x - h},${y + h * 0.8}`,
    })
  }
  return svg('circle', { class: cls, cx: x, cy: y, r })
}

export function createScatter(data: TrainingData, store: FlowerStore): void {
  const figure = byId('scatter')
  const xSelect = byId<HTMLSelectElement>('x-axis')
  const ySelect = byId<HTMLSelectElement>('y-axis')
  const caption = byId('scatter-caption')
  const legend = byId('scatter-legend')

  for (const select of [xSelect, ySelect]) {
    for (const [i, f] of FEATURES.entries()) select.append(el('option', { value: i }, f.label))
  }
  xSelect.value = '2'
  ySelect.value = '3'

  // Drawn at the figure's real pixel width (redrawn on resize), so labels stay 12 px on a phone too.
  let width = 480
  let height = 340
  const chart = svg('svg', {
    role: 'img',
    'aria-labelledby': 'scatter-title scatter-caption',
    class: 'scatter-svg',
  })
  figure.prepend(chart)

  data.species.forEach((name, i) => {
    const swatch = svg(
      'svg',
      { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' },
      marker(i, 8, 8, 5),
    )
    legend.append(el('li', {}, swatch, name))
  })
  const youSwatch = svg(
    'svg',
    { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' },
    svg('circle', { class: 'current-ring', cx: 8, cy: 8, r: 5 }),
  )
  legend.append(el('li', {}, youSwatch, 'your flower'))

  function draw() {
    width = Math.max(260, Math.round(figure.clientWidth || 480))
    height = Math.round(Math.min(360, Math.max(240, width * 0.72)))
    chart.setAttribute('viewBox', `0 0 ${width} ${height}`)
    const fx = Number(xSelect.value)
    const fy = Number(ySelect.value)
    const flower = store.get()
    const xs = scale(
      [...data.flowers.map((f) => f.values[fx]!), flower[fx]!],
      MARGIN.left,
      width - MARGIN.right,
    )
    const ys = scale(
      [...data.flowers.map((f) => f.values[fy]!), flower[fy]!],
      height - MARGIN.bottom,
      MARGIN.top,
    )
    const axes = svg('g', { class: 'axes' })
    for (const t of xs.ticks) {
      const x = xs.to(t)
      axes.append(
        svg('line', { class: 'grid', x1: x, x2: x, y1: MARGIN.top, y2: height - MARGIN.bottom }),
        svg('text', { x, y: height - MARGIN.bottom + 16, 'text-anchor': 'middle' }, formatCm(t)),
      )
    }
    for (const t of ys.ticks) {
      const y = ys.to(t)
      axes.append(
        svg('line', { class: 'grid', x1: MARGIN.left, x2: width - MARGIN.right, y1: y, y2: y }),
        svg('text', { x: MARGIN.left - 8, y: y + 4, 'text-anchor': 'end' }, formatCm(t)),
      )
    }
    const midX = (MARGIN.left + width - MARGIN.right) / 2
    const midY = (MARGIN.top + height - MARGIN.bottom) / 2
    axes.append(
      svg(
        'text',
        { class: 'axis-title', x: midX, y: height - 8, 'text-anchor': 'middle' },
        FEATURES[fx]!.label,
      ),
      svg(
        'text',
        { class: 'axis-title', x: 14, y: midY, 'text-anchor': 'middle', transform: `rotate(-90 14 ${midY})` },
        FEATURES[fy]!.label,
      ),
    )

    const points = svg('g', { class: 'points' })
    for (const f of data.flowers) {
      const index = data.species.indexOf(f.species)
      const point = marker(index, xs.to(f.values[fx]!), ys.to(f.values[fy]!), 4)
      point.append(svg('title', {}, `${f.species}: ${f.values.map(formatCm).join(', ')} cm`))
      points.append(point)
    }

    const cx = xs.to(flower[fx]!)
    const cy = ys.to(flower[fy]!)
    const current = svg(
      'g',
      { class: 'current' },
      svg('line', { x1: cx - 14, x2: cx + 14, y1: cy, y2: cy }),
      svg('line', { x1: cx, x2: cx, y1: cy - 14, y2: cy + 14 }),
      svg('circle', { class: 'current-ring', cx, cy, r: 8 }),
      svg('title', {}, 'Your flower'),
    )
    chart.replaceChildren(axes, points, current)

    const near = nearestFlower(data, flower, [fx, fy])
    caption.textContent =
      `Your flower: ${FEATURES[fx]!.short} ${formatCm(flower[fx]!)} cm, ${FEATURES[fy]!.short} ` +
      `${formatCm(flower[fy]!)} cm. The nearest training flower on these two measurements is a ` +
      `${near.flower.species} (${formatCm(Math.round(near.distance * 100) / 100)} cm away).`
  }

  xSelect.addEventListener('change', draw)
  ySelect.addEventListener('change', draw)
  // Redrawing 150 points is cheap (< 1 ms); coalesce bursts of slider events into one frame anyway.
  let frame = 0
  store.subscribe(() => {
    if (frame) return
    frame = requestAnimationFrame(() => {
      frame = 0
      draw()
    })
  })
  let lastWidth = 0
  new ResizeObserver(() => {
    if (figure.clientWidth === lastWidth) return
    lastWidth = figure.clientWidth
    draw()
  }).observe(figure)
  draw()
}
