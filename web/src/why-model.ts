// The "Why?" panel's pure part: one row of POST /explain -> what to draw for the predicted class. Read
// defensively (a reply missing a number is an error the panel shows, never a bar drawn from nothing).

export interface WhyItem {
  /** Feature name as the API sends it (e.g. "petal_length_cm"). */
  feature: string
  /** Human label (e.g. "Petal length (cm)"). */
  label: string
  /** Contribution to the predicted class's probability (-1..1). */
  value: number
  /** value / the largest |value| of the row: -1..1, the bar's signed length. */
  fraction: number
  /** "+31.2 pts" / "−4.0 pts": percentage points, with a real minus sign. */
  text: string
}

export interface WhyView {
  species: string
  /** The model's average answer for this class over its training data (0..1). */
  base: number
  probability: number
  items: WhyItem[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Thrown when the reply does not have the documented shape. */
export class WhyReplyError extends Error {
  override name = 'WhyReplyError'
}

/** 0.3115 -> "+31.2 pts"; -0.04 -> "−4.0 pts"; values that round to 0 show no sign. */
export function formatPoints(value: number): string {
  const points = (value * 100).toFixed(1)
  if (Number(points) === 0) return '0.0 pts'
  return value > 0 ? `+${points} pts` : `\u2212${points.slice(1)} pts`
}

/**
 * `reply` is POST /explain's body for one row; `features` the model's feature order (contributions are
 * keyed by name; the order keeps bars in the same places as the sliders).
 */
export function buildWhyView(
  reply: unknown,
  features: readonly string[],
  labelOf: (feature: string) => string,
): WhyView {
  const row = isObj(reply) && Array.isArray(reply.explanations) ? reply.explanations[0] : undefined
  if (!isObj(row)) throw new WhyReplyError('The API answered POST /explain without an explanation.')
  const species = row.prediction
  if (typeof species !== 'string') throw new WhyReplyError('The explanation names no predicted class.')
  const pick = (group: unknown, key: string, what: string): number => {
    const v = isObj(group) ? group[key] : undefined
    if (!isNum(v)) throw new WhyReplyError(`The explanation has no ${what} for "${key}".`)
    return v
  }
  const base = pick(row.expected_value, species, 'expected value')
  const probability = pick(row.probabilities, species, 'probability')
  const perFeature = isObj(row.contributions) ? row.contributions[species] : undefined
  const names = features.length > 0 ? features : isObj(perFeature) ? Object.keys(perFeature) : []
  const values = names.map((f) => pick(perFeature, f, 'contribution'))
  const scale = Math.max(...values.map(Math.abs), 1e-12)
  return {
    species,
    base,
    probability,
    items: names.map((feature, i) => ({
      feature,
      label: labelOf(feature),
      value: values[i]!,
      fraction: values[i]! / scale,
      text: formatPoints(values[i]!),
    })),
  }
}
