// Tiny element builders. They refuse a `style` attribute on purpose: the page runs under a strict
// Content-Security-Policy (no inline styles), so dynamic styling goes through element.style (CSSOM) or classes.

type AttrValue = string | number | boolean | null | undefined
export type Attrs = Record<string, AttrValue>
type Child = Node | string | number | null | undefined | false

function applyAttrs(node: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue
    if (name === 'style') throw new Error('dom: inline style attributes break the CSP; use element.style')
    node.setAttribute(name, value === true ? '' : String(value))
  }
}

function appendChildren(node: Node & ParentNode, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    node.append(typeof child === 'number' ? String(child) : child)
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  applyAttrs(node, attrs)
  appendChildren(node, children)
  return node
}

const SVG_NS = 'http://www.w3.org/2000/svg'

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag)
  applyAttrs(node, attrs)
  appendChildren(node, children)
  return node
}

/** The element with this id, typed; a missing element is a programming error in index.html. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id)
  if (!node) throw new Error(`index.html has no element with id "${id}"`)
  return node as T
}
