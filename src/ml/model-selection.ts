import { InvalidHyperParameterError } from './errors.js'
import { Random } from './random.js'

export interface TrainTest {
  readonly train: number[]
  readonly test: number[]
}

/**
 * Stratified shuffled train/test split, as scikit-learn's train_test_split(stratify=y):
 * n_test = ceil(testSize * n) (or testSize rows when an integer >= 1); each class gives rows to
 * train and test in proportion to its size (largest remainders, ties broken at random).
 */
export function stratifiedTrainTestSplit(
  y: readonly string[],
  { testSize = 0.25, seed = 42 }: { testSize?: number; seed?: number } = {},
): TrainTest {
  const n = y.length
  const nTest = Number.isInteger(testSize) && testSize >= 1 ? testSize : Math.ceil(testSize * n)
  if (!(testSize > 0) || (testSize < 1 ? false : !Number.isInteger(testSize)) || nTest >= n)
    throw new InvalidHyperParameterError('testSize', testSize, `a fraction in (0, 1) or a count in [1, ${n})`)
  const nTrain = n - nTest
  const groups = groupByClass(y)
  if (nTrain < groups.length || nTest < groups.length)
    throw new InvalidHyperParameterError(
      'testSize',
      testSize,
      `train and test each need >= ${groups.length} rows`,
    )
  const rng = new Random(checkSeed(seed))
  const counts = groups.map((g) => g.length)
  const trainCounts = approximateMode(counts, nTrain, rng)
  const testCounts = approximateMode(
    counts.map((c, i) => c - trainCounts[i]!),
    nTest,
    rng,
  )
  const train: number[] = []
  const test: number[] = []
  groups.forEach((g, i) => {
    const perm = rng.shuffle(g.slice())
    train.push(...perm.slice(0, trainCounts[i]))
    test.push(...perm.slice(trainCounts[i], trainCounts[i]! + testCounts[i]!))
  })
  return { train: rng.shuffle(train), test: rng.shuffle(test) }
}

/**
 * Stratified k-fold, as scikit-learn's StratifiedKFold: sorted labels are dealt round-robin to
 * folds, so each fold gets each class's share (±1); with shuffle, each class's fold assignment
 * is permuted. Returns k {train, test} pairs, indices ascending; every index is in one test fold.
 */
export function stratifiedKFold(
  y: readonly string[],
  { k = 5, shuffle = true, seed = 0 }: { k?: number; shuffle?: boolean; seed?: number } = {},
): TrainTest[] {
  const n = y.length
  if (!Number.isInteger(k) || k < 2 || k > n)
    throw new InvalidHyperParameterError('k', k, `an integer in [2, ${n}] (the number of rows)`)
  const groups = groupByClass(y)
  if (groups.every((g) => g.length < k))
    throw new InvalidHyperParameterError('k', k, 'at most the size of the largest class')
  const rng = new Random(checkSeed(seed))
  // allocation[f][c]: members of class c in fold f, dealing the sorted labels round-robin.
  const sortedClass: number[] = []
  groups.forEach((g, c) => {
    for (let i = 0; i < g.length; i++) sortedClass.push(c)
  })
  const allocation = Array.from({ length: k }, () => new Array<number>(groups.length).fill(0))
  for (let i = 0; i < sortedClass.length; i++) allocation[i % k]![sortedClass[i]!]!++
  const foldOf = new Int32Array(n)
  groups.forEach((g, c) => {
    const folds: number[] = []
    for (let f = 0; f < k; f++) for (let j = 0; j < allocation[f]![c]!; j++) folds.push(f)
    if (shuffle) rng.shuffle(folds)
    g.forEach((row, j) => {
      foldOf[row] = folds[j]!
    })
  })
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = []
    const test: number[] = []
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i)
    return { train, test }
  })
}

/** Row indices per class, classes in sorted order (ascending indices within a class). */
function groupByClass(y: readonly string[]): number[][] {
  const classes = [...new Set(y)].sort()
  const index = new Map(classes.map((c, i) => [c, i]))
  const groups = classes.map(() => [] as number[])
  for (let i = 0; i < y.length; i++) groups[index.get(y[i]!)!]!.push(i)
  return groups
}

/** Splits `total` draws over classes in proportion to counts: floors, then largest remainders. */
export function approximateMode(counts: readonly number[], total: number, rng: Random): number[] {
  const n = counts.reduce((a, b) => a + b, 0)
  const exact = counts.map((c) => (c * total) / n)
  const out = exact.map(Math.floor)
  let left = total - out.reduce((a, b) => a + b, 0)
  const remainders = [...new Set(exact.map((e, i) => e - out[i]!))].sort((a, b) => b - a)
  for (const r of remainders) {
    if (left <= 0) break
    const tied = exact.map((_, i) => i).filter((i) => exact[i]! - out[i]! === r && out[i]! < counts[i]!)
    rng.shuffle(tied)
    for (const i of tied.slice(0, left)) out[i]!++
    left -= Math.min(left, tied.length)
  }
  return out
}

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new InvalidHyperParameterError('seed', seed, 'an integer in [0, 2^32)')
  return seed
}
