import type { Page } from 'playwright-core'

// WCAG contrast of every visible piece of text on the page against the background it sits on (the first
// opaque background up the tree). Returns the texts below AA: 4.5:1, or 3:1 for large text.

export interface LowContrast {
  text: string
  ratio: number
  color: string
  background: string
}

export function lowContrastTexts(page: Page): Promise<LowContrast[]> {
  return page.evaluate(() => {
    const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number)
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const lin = (v: number) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }
    const backgroundOf = (el: Element | null): string => {
      for (let node = el; node; node = node.parentElement) {
        const bg = getComputedStyle(node).backgroundColor
        const alpha = parse(bg)[3]
        if (alpha === undefined || alpha > 0.9) return bg
      }
      return 'rgb(255, 255, 255)'
    }
    const out: { text: string; ratio: number; color: string; background: string }[] = []
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())
      if (own.length === 0) continue
      const style = getComputedStyle(el)
      const box = el.getBoundingClientRect()
      if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue
      if (el.closest('[hidden], .visually-hidden, .stale, svg, option, [aria-busy="true"]')) continue
      const background = backgroundOf(el)
      const [l1, l2] = [luminance(parse(style.color)), luminance(parse(background))]
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)
      const size = Number.parseFloat(style.fontSize)
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
      if (ratio < (large ? 3 : 4.5)) {
        out.push({
          text: own.map((n) => n.textContent!.trim()).join(' '),
          ratio,
          color: style.color,
          background,
        })
      }
    }
    return out
  })
}
