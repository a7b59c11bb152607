import { svg } from './dom.js'
import { speciesClass } from './format.js'

/** Marker per class index: circle, square, triangle (shape as well as colour carries the class). */
export function marker(index: number, x: number, y: number, r: number): SVGElement {
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

/** A 16 px legend swatch holding `shape`. */
export function swatch(shape: SVGElement): SVGSVGElement {
  return svg('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' }, shape)
}
