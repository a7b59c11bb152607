import { el } from './dom.js'

// Horizontal bars (probabilities, feature importances). The bar is a meter for assistive technology and
// its width is set through the CSSOM (element.style), which a strict CSP allows, unlike style="" in HTML.

export interface BarItem {
  label: string
  /** 0..1, the bar's length. */
  fraction: number
  /** Text shown beside the bar (e.g. "97.1%"). */
  valueText: string
  highlight?: boolean
  /** Extra class for colour (e.g. the species class). */
  tone?: string
  badge?: string
}

export function renderBars(list: HTMLElement, items: readonly BarItem[], groupLabel: string): void {
  list.replaceChildren(
    ...items.map((item) => {
      const fill = el('span', { class: `bar-fill ${item.tone ?? ''}` })
      fill.style.width = `${Math.max(0, Math.min(1, item.fraction)) * 100}%`
      const meter = el(
        'span',
        {
          class: 'bar-track',
          role: 'meter',
          'aria-label': `${groupLabel}: ${item.label}`,
          'aria-valuemin': 0,
          'aria-valuemax': 100,
          'aria-valuenow': Math.round(item.fraction * 1000) / 10,
          'aria-valuetext': item.valueText,
        },
        fill,
      )
      return el(
        'li',
        { class: `bar${item.highlight ? ' bar-winner' : ''}` },
        el(
          'span',
          { class: 'bar-label' },
          el('span', { class: 'bar-name' }, item.label),
          item.badge ? el('span', { class: 'badge' }, item.badge) : null,
        ),
        meter,
        el('span', { class: 'bar-value' }, item.valueText),
      )
    }),
  )
}
