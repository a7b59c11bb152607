import { byId, el, svg } from './dom.js'
import { formatValue } from './format.js'
import type { PageModel } from './page-model.js'
import { scatterCaption } from './scatter-caption.js'
import { drawFrame } from './scatter-draw.js'
import { marker, swatch } from './scatter-marker.js'
import type { FlowerStore } from './state.js'
import type { Wording } from './wording.js'

// The scatter panel: the training rows on two chosen features (the model's two most important to start),
// coloured and shaped by class, with the current input on top; redrawn at the figure's real pixel width
// so labels stay 12 px on a phone. Drawn by hand in SVG (scatter-draw.ts): no chart library.

export function createScatter(model: PageModel, store: FlowerStore, words: Wording): void {
  const figure = byId('scatter')
  const xSelect = byId<HTMLSelectElement>('x-axis')
  const ySelect = byId<HTMLSelectElement>('y-axis')
  const caption = byId('scatter-caption')
  const legend = byId('scatter-legend')
  const { inputs } = model

  for (const select of [xSelect, ySelect]) {
    select.replaceChildren(...inputs.map((spec, i) => el('option', { value: i }, spec.label)))
  }
  xSelect.value = String(model.axes[0])
  ySelect.value = String(model.axes[1])

  const chart = svg('svg', {
    role: 'img',
    'aria-labelledby': 'scatter-title scatter-caption',
    class: 'scatter-svg',
  })
  figure.prepend(chart)
  legend.replaceChildren(
    ...model.classes.map((name, i) => el('li', {}, swatch(marker(i, 8, 8, 5)), name)),
    el('li', {}, swatch(svg('circle', { class: 'current-ring', cx: 8, cy: 8, r: 5 })), words.yours),
  )

  const unitOf = inputs.every((s) => s.unit === inputs[0]?.unit) ? inputs[0]?.unit : null
  const describe = (p: { values: readonly number[]; label: string }) =>
    `${p.label}: ${p.values.map(formatValue).join(', ')}${unitOf ? ` ${unitOf}` : ''}`

  function draw() {
    const width = Math.max(260, Math.round(figure.clientWidth || 480))
    const height = Math.round(Math.min(360, Math.max(240, width * 0.72)))
    const axes: [number, number] = [Number(xSelect.value), Number(ySelect.value)]
    const current = store.get()
    drawFrame(chart, {
      width,
      height,
      points: model.points,
      classes: model.classes,
      current,
      // Without training rows the axes span the inputs' ranges, so moving a slider moves the marker.
      extents: model.points.length === 0 ? inputs.map((spec) => [spec.min, spec.max]) : undefined,
      axes,
      titles: [inputs[axes[0]]!.label, inputs[axes[1]]!.label],
      describe,
      yoursTitle: words.yoursCapital,
    })
    caption.textContent = scatterCaption(inputs, model.points, current, axes, words)
  }

  xSelect.addEventListener('change', draw)
  ySelect.addEventListener('change', draw)
  // Redrawing a few hundred points is cheap (< 1 ms); coalesce bursts of slider events into one frame anyway.
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
