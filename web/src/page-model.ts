import { DEFAULT_CLASSES } from './features.js'
import { buildInputs, type InputSpec, isIrisModel } from './inputs.js'
import { type TrainingData, typicalFlowers } from './iris-data.js'
import type { ModelInfo } from './model-info.js'

// Everything the page builds itself from, decided once from GET /model: the inputs, the class names,
// one example per class, the training rows to plot and the two axes to start on. Pure (no DOM), so the
// decisions are unit-tested (page-model.test.ts).

export interface PlotPoint {
  readonly values: readonly number[]
  readonly label: string
}

/** Where the ranges, examples and plotted rows come from. */
export type DataBasis = 'training-data' | 'split-thresholds' | 'bundled-iris' | 'none'

export interface PageModel {
  /** The model's name, e.g. "wine_model" (null when GET /model did not say). */
  readonly name: string | null
  /** The Iris measurements: the seed's page, wording and defaults. */
  readonly iris: boolean
  readonly inputs: readonly InputSpec[]
  readonly classes: readonly string[]
  /** The training CSV's label column (e.g. "cultivar"), when recorded. */
  readonly target: string | null
  readonly examples: readonly { name: string; values: readonly number[] }[]
  readonly points: readonly PlotPoint[]
  /** Rows in the training data (points may be a sample of them); null when unknown. */
  readonly rows: number | null
  /** Feature indices of the scatter plot's horizontal and vertical axes. */
  readonly axes: readonly [number, number]
  readonly basis: DataBasis
}

/** The two most important features, in feature order (Iris: petal length x petal width). */
export function defaultAxes(
  features: readonly string[],
  importances: ModelInfo['importances'],
): [number, number] {
  if (features.length < 2) return [0, 0]
  const ranked = importances
    .map((imp) => features.indexOf(imp.name))
    .filter((i) => i >= 0)
    .concat(features.map((_, i) => i))
  const [a, b] = [...new Set(ranked)].slice(0, 2) as [number, number]
  return a < b ? [a, b] : [b, a]
}

/**
 * `iris` is the bundled data/iris.csv: the fallback for an Iris model that came without a training
 * summary (e.g. one exported from scikit-learn).
 */
export function buildPageModel(info: ModelInfo, iris: TrainingData): PageModel {
  const features = info.features ?? iris.featureNames
  const irisModel = isIrisModel(features)
  const classes = info.classes ?? (irisModel ? (iris.species.length ? iris.species : DEFAULT_CLASSES) : [])
  const summary = info.summary
  const base = {
    name: info.name,
    iris: irisModel,
    inputs: buildInputs(features, summary),
    classes,
    target: info.target,
    axes: defaultAxes(features, info.importances),
  }
  if (summary?.basis === 'training-data') {
    return {
      ...base,
      examples: summary.classes.flatMap((c) => (c.typical ? [{ name: c.name, values: c.typical }] : [])),
      points: summary.classes.flatMap((c) => c.examples.map((values) => ({ values, label: c.name }))),
      rows: summary.rows,
      basis: 'training-data',
    }
  }
  if (irisModel && classes.every((c) => iris.species.includes(c))) {
    return {
      ...base,
      examples: [...typicalFlowers(iris)].map(([name, f]) => ({ name, values: f.values })),
      points: iris.flowers.map((f) => ({ values: f.values, label: f.species })),
      rows: iris.flowers.length,
      basis: 'bundled-iris',
    }
  }
  return {
    ...base,
    examples: [],
    points: [],
    rows: null,
    basis: summary?.basis === 'split-thresholds' ? 'split-thresholds' : 'none',
  }
}
