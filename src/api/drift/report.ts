/**
 * The drift statistics of one window against its version's reference profile (docs/decisions/021-drift-detection.md):
 * per feature the two-sample K-S test and the PSI over the reference's decile bins, the chi-squared test of the
 * predicted class mix against the training priors, and the dataset-level flag. Pure computation, off the
 * request path: called on GET /drift, on a scrape and on the webhook timer.
 */
import {
  binShares,
  chiSquaredGoodnessOfFit,
  decileEdges,
  ks2sampSorted,
  psiFromShares,
} from '../../ml/stats/index.js'
import type { ReferenceProfile } from '../../model/reference-profile.js'

/** Significance level of every test; the per-feature K-S level is this divided by the number of features. */
export const DRIFT_ALPHA = 0.05
export const DATASET_RULE =
  'Bonferroni-corrected K-S: the dataset drifts when any feature has K-S p < 0.05 / number of features'

export interface FeatureDrift {
  ks_statistic: number
  p_value: number
  psi: number
  drift: boolean
  /** The PSI bins, for drawing both distributions: right-closed bins cut at `edges` (the reference deciles). */
  bins: { edges: number[]; reference: number[]; live: number[] }
}

export interface PredictionDrift {
  chi2: number
  p_value: number
  drift: boolean
}

export interface DriftReport {
  model_version: string
  /** 'ok': judged; 'collecting': fewer than the minimum rows so far; 'no_reference': nothing to compare with. */
  status: 'ok' | 'collecting' | 'no_reference'
  message: string
  window_rows: number
  reference_rows: number | null
  dataset_drift: boolean
  rule: string
  features: Record<string, FeatureDrift>
  prediction: PredictionDrift | null
}

/** A window merged across processes: rows oldest first. */
export interface MergedWindow {
  version: string
  featureNames: readonly string[]
  classes: readonly string[]
  /** count * featureNames.length values, row-major. */
  values: Float64Array
  classIdx: Int32Array
  count: number
}

/** Reference columns prepared once per profile: the samples are already sorted, the decile bins fixed. */
interface PreparedReference {
  edges: number[][]
  shares: number[][]
}
const prepared = new WeakMap<ReferenceProfile, PreparedReference>()
function prepare(reference: ReferenceProfile): PreparedReference {
  let p = prepared.get(reference)
  if (p === undefined) {
    const edges = reference.features.map((column) => decileEdges(column))
    p = { edges, shares: reference.features.map((column, f) => binShares(column, edges[f]!)) }
    prepared.set(reference, p)
  }
  return p
}

export function driftReport(
  window: MergedWindow,
  reference: ReferenceProfile | null,
  minRows: number,
): DriftReport {
  const base = {
    model_version: window.version,
    window_rows: window.count,
    reference_rows: reference?.rows ?? null,
    dataset_drift: false,
    rule: DATASET_RULE,
    features: {},
    prediction: null,
  }
  if (reference === null) {
    return {
      ...base,
      status: 'no_reference',
      message:
        `model version ${window.version} has no reference profile (an older model file, or exported without ` +
        '--reference): drift cannot be measured; retrain it, or export it with --reference TRAIN.csv',
    }
  }
  if (window.count < minRows) {
    return {
      ...base,
      status: 'collecting',
      message: `${window.count} rows predicted so far; drift is judged from ${minRows} rows on`,
    }
  }
  const nF = window.featureNames.length
  const { edges, shares } = prepare(reference)
  const column = new Float64Array(window.count)
  const level = DRIFT_ALPHA / nF
  const features: Record<string, FeatureDrift> = {}
  let datasetDrift = false
  window.featureNames.forEach((name, f) => {
    for (let i = 0; i < window.count; i++) column[i] = window.values[i * nF + f]!
    column.sort()
    const ks = ks2sampSorted(reference.features[f]!, column)
    const live = binShares(column, edges[f]!)
    const psi = psiFromShares(shares[f]!, live)
    const drift = ks.pValue < level
    datasetDrift ||= drift
    const bins = { edges: edges[f]!, reference: shares[f]!, live }
    features[name] = { ks_statistic: ks.statistic, p_value: ks.pValue, psi, drift, bins }
  })
  const counts = new Array<number>(window.classes.length).fill(0)
  for (let i = 0; i < window.count; i++) counts[window.classIdx[i]!]!++
  const chi = chiSquaredGoodnessOfFit(counts, reference.classPriors)
  const prediction = {
    // A class the training data never had, predicted anyway, makes chi2 infinite: JSON has no Infinity.
    chi2: Number.isFinite(chi.statistic) ? chi.statistic : Number.MAX_VALUE,
    p_value: chi.pValue,
    drift: chi.pValue < DRIFT_ALPHA,
  }
  const drifting = Object.entries(features)
    .filter(([, v]) => v.drift)
    .map(([k]) => k)
  return {
    ...base,
    status: 'ok',
    message: datasetDrift
      ? `drift: ${drifting.join(', ')} no longer look like the training data (K-S p < ${fmt(level)})`
      : `no drift: every feature's K-S p-value is at least ${fmt(level)}`,
    dataset_drift: datasetDrift,
    features,
    prediction,
  }
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString()
}
