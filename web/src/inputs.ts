import { featureLabel, featureShort, featureUnit } from './feature-labels.js'
import { IRIS_FEATURES, SLIDER_MAX, SLIDER_MIN, SLIDER_STEP } from './features.js'
import type { FeatureStats, SummaryInfo } from './summary-info.js'

// One input per model feature: its label, slider range, step and starting value. Iris keeps the seed's
// page (0-10 cm in tenths, starting at 5.1, 3.5, 1.4, 0.2). Any other model gets its ranges from the
// training data (the range seen, widened by a tenth on each side, never below 0 for data that never was),
// starting at the median; an imported model without a training summary gets the span of its trees' split
// thresholds, widened by a quarter each side, starting in the middle.

export interface InputSpec {
  readonly name: string
  readonly label: string
  readonly short: string
  readonly unit: string | null
  readonly min: number
  readonly max: number
  readonly step: number
  readonly initial: number
  /** What the page tells about the values (null for Iris, whose page says it in the lede). */
  readonly hint: string | null
}

const TRAINING_PAD = 0.1
const SPLIT_PAD = 0.25
/** Inputs step in units of the data's last decimal, but never finer than this many decimals. */
const MAX_STEP_DECIMALS = 3
/** Float slack when flooring to a step (11.03 - 0.38 is 10.649999...). */
const EPS = 1e-9

/** Rounds to the step's decimals without float noise (0.1 * 3 -> 0.3). */
export function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))
  return Number((Math.round(value / step) * step).toFixed(decimals))
}

function show(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)))
}

function fromTraining(name: string, f: FeatureStats): InputSpec | null {
  if (f.min === null || f.max === null) return null
  const step = 10 ** -Math.min(f.decimals, MAX_STEP_DECIMALS)
  const span = f.max - f.min || Math.max(Math.abs(f.max), 1)
  let min = roundTo(Math.floor((f.min - span * TRAINING_PAD) / step + EPS) * step, step)
  if (f.min >= 0 && min < 0) min = 0
  const max = roundTo(Math.ceil((f.max + span * TRAINING_PAD) / step - EPS) * step, step)
  const centre = f.median ?? f.mean ?? (f.min + f.max) / 2
  const unit = featureUnit(name)
  const u = unit ? ` ${unit}` : ''
  const typical = f.median !== null ? `, median ${show(f.median, f.decimals + 1)}${u}` : ''
  return {
    ...names(name),
    min,
    max,
    step,
    initial: roundTo(centre, step),
    hint: `Training data: ${show(f.min, f.decimals)} to ${show(f.max, f.decimals)}${u}${typical}.`,
  }
}

function fromSplits(name: string, f: FeatureStats): InputSpec {
  if (f.min === null || f.max === null) {
    return {
      ...names(name),
      min: 0,
      max: 1,
      step: 0.01,
      initial: 0,
      hint: 'No tree splits on it: any value gives the same answer.',
    }
  }
  const span = f.max - f.min || Math.max(Math.abs(f.max), 1)
  const step = 10 ** -Math.min(Math.max(f.decimals, Math.ceil(-Math.log10(span / 100))), MAX_STEP_DECIMALS)
  let min = roundTo(Math.floor((f.min - span * SPLIT_PAD) / step + EPS) * step, step)
  // Splits only above 0 suggest data that is never negative (a count, a concentration): do not invent any.
  if (f.min >= 0 && min < 0) min = 0
  const max = roundTo(Math.ceil((f.max + span * SPLIT_PAD) / step - EPS) * step, step)
  return {
    ...names(name),
    min,
    max,
    step,
    initial: roundTo((f.min + f.max) / 2, step),
    hint: `The trees split between ${show(f.min, 3)} and ${show(f.max, 3)}.`,
  }
}

function names(name: string) {
  return { name, label: featureLabel(name), short: featureShort(name), unit: featureUnit(name) }
}

/** True when the model's features are the Iris measurements, in the seed's order. */
export function isIrisModel(features: readonly string[]): boolean {
  return features.length === IRIS_FEATURES.length && IRIS_FEATURES.every((f, i) => f.column === features[i])
}

export function buildInputs(features: readonly string[], summary: SummaryInfo | null): InputSpec[] {
  if (isIrisModel(features)) {
    return IRIS_FEATURES.map((f) => ({
      ...names(f.column),
      label: f.label,
      short: f.short,
      min: SLIDER_MIN,
      max: SLIDER_MAX,
      step: SLIDER_STEP,
      initial: f.initial,
      hint: null,
    }))
  }
  return features.map((name, i) => {
    const stats = summary?.features[i]
    if (stats && summary?.basis === 'training-data') {
      const spec = fromTraining(name, stats)
      if (spec) return spec
    }
    if (stats && summary?.basis === 'split-thresholds') return fromSplits(name, stats)
    return { ...names(name), min: 0, max: 100, step: 0.01, initial: 0, hint: 'No range is known for it.' }
  })
}
