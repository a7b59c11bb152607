// Human names for the model's feature names, so any CSV's columns read well on the page:
// "sepal_length_cm" -> "Sepal length (cm)" / "sepal length" / "cm"; "malic_acid" -> "Malic acid";
// "Sepal.Width" -> "Sepal width"; "colorIntensity" -> "Color intensity". Used for inputs, axes, tables.

/** Unit suffixes recognised at the end of a name, and how they are shown. */
const UNITS: Record<string, string> = {
  cm: 'cm',
  mm: 'mm',
  m: 'm',
  km: 'km',
  g: 'g',
  kg: 'kg',
  mg: 'mg',
  ml: 'ml',
  l: 'l',
  s: 's',
  ms: 'ms',
  pct: '%',
  percent: '%',
  usd: 'USD',
  eur: 'EUR',
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.\-/]+/)
    .filter((w) => w !== '')
}

/** The unit a name ends with ("petal_width_cm" -> "cm"), or null. A one-word name is never a unit. */
export function featureUnit(name: string): string | null {
  const parts = words(name)
  if (parts.length < 2) return null
  return UNITS[parts.at(-1)!.toLowerCase()] ?? null
}

/** "petal_width_cm" -> "petal width": lower-case words without the unit, for sentences and hints. */
export function featureShort(name: string): string {
  const parts = words(name)
  const body = featureUnit(name) === null ? parts : parts.slice(0, -1)
  return body.map((w) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase())).join(' ') || name
}

/** "petal_width_cm" -> "Petal width (cm)": the visible label and accessible name of an input. */
export function featureLabel(name: string): string {
  const short = featureShort(name)
  const unit = featureUnit(name)
  const head = short.charAt(0).toUpperCase() + short.slice(1)
  return unit === null ? head : `${head} (${unit})`
}

/** A name usable in an element id: "od280/od315" -> "od280-od315". */
export function featureId(name: string, index: number): string {
  const slug = name
    .toLowerCase()
    .replace(/_(cm|mm)$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  return slug === '' ? `feature-${index}` : slug
}
