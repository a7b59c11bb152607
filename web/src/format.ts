// Number and text formatting shared by the panels, so every panel rounds the same way.

/** 0.9712 -> "97.1%" (one decimal keeps the displayed three summing to 100% ± 0.15). */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`
}

/** An input value without float noise (1.4000000000000001 -> "1.4"; 1065 -> "1065"). */
export function formatValue(value: number): string {
  return String(Math.round(value * 1000) / 1000)
}

export function formatDecimal(value: number, digits = 3): string {
  return value.toFixed(digits)
}

/** An ISO date as the reader's local date and time, keeping the original when it does not parse. */
export function formatDate(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** CSS class that gives a class its colour and marker shape, by its index in the class list. */
export function speciesClass(index: number): string {
  return `sp-${index >= 0 ? index % 3 : 'x'}`
}
