// The training flowers, parsed from data/iris.csv (bundled at build time by main.ts), and the "typical"
// flower of each species: the medoid, a real flower from the data set (unlike a mean, which may be a
// flower nobody measured). The page uses them only for an Iris model that came without a training
// summary (page-model.ts); a model trained here carries its own rows and typical rows.
import { parseLabelledCsv } from '../../src/data/csv.js'

export interface TrainingFlower {
  readonly values: readonly number[]
  readonly species: string
}

export interface TrainingData {
  readonly featureNames: readonly string[]
  /** Species names, sorted (scikit-learn's class order). */
  readonly species: readonly string[]
  readonly flowers: readonly TrainingFlower[]
}

/** Reads the training CSV with the service's own loader (pure: no Node APIs), so both agree on every rule. */
export function parseTrainingCsv(text: string, source = 'data/iris.csv'): TrainingData {
  const data = parseLabelledCsv(text, { source })
  return {
    featureNames: data.featureNames,
    species: data.classNames,
    flowers: data.X.map((values, i) => ({ values, species: data.y[i]! })),
  }
}

function distance(a: readonly number[], b: readonly number[]): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2
  return Math.sqrt(sum)
}

/** The flower with the smallest total distance to all the others of the group. */
export function medoid(flowers: readonly TrainingFlower[]): TrainingFlower {
  if (flowers.length === 0) throw new Error('medoid of an empty group')
  let best = flowers[0]!
  let bestTotal = Number.POSITIVE_INFINITY
  for (const candidate of flowers) {
    let total = 0
    for (const other of flowers) total += distance(candidate.values, other.values)
    if (total < bestTotal) {
      bestTotal = total
      best = candidate
    }
  }
  return best
}

export function typicalFlowers(data: TrainingData): Map<string, TrainingFlower> {
  const typical = new Map<string, TrainingFlower>()
  for (const name of data.species) typical.set(name, medoid(data.flowers.filter((f) => f.species === name)))
  return typical
}
