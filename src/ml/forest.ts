import { LengthMismatchError, NotFittedError, SingleClassError } from './errors.js'
import type { FlatTree, Forest } from './flat-tree.js'
import { type RandomForestOptions, type ResolvedOptions, resolveOptions, treeParams } from './params.js'
import { compileForest, type ForestPredictor } from './predictor.js'
import { Random } from './random.js'
import type { TrainingSet } from './splitter.js'
import { applyTree, buildTree } from './tree.js'
import { type Rows, rowsToMatrix, trainingColumns } from './validate.js'

/**
 * Random forest of CART trees with scikit-learn's semantics and defaults: per-tree bootstrap
 * (counts used as sample weights), features drawn per split, predict_proba = mean of the
 * leaves' class distributions, MDI feature importances, optional out-of-bag accuracy.
 */
export class RandomForestClassifier {
  readonly options: ResolvedOptions
  private fitted: {
    classes: string[]
    forest: Forest
    importances: number[]
    oob: number | null
    predictor: ForestPredictor
  } | null = null

  constructor(options: RandomForestOptions = {}) {
    this.options = resolveOptions(options)
  }

  fit(X: Rows, y: readonly string[]): this {
    const { columns, nSamples, nFeatures } = trainingColumns(X)
    if (y.length !== nSamples) throw new LengthMismatchError('y (labels) vs X rows', nSamples, y.length)
    // Sorted unique labels, as scikit-learn's classes_ (np.unique).
    const classes = [...new Set(y)].sort()
    if (classes.length < 2) throw new SingleClassError(classes[0]!)
    const index = new Map(classes.map((c, i) => [c, i]))
    const yIdx = Int32Array.from(y, (label) => index.get(label)!)
    const data: TrainingSet = { nSamples, nFeatures, nClasses: classes.length, columns, y: yIdx }
    const params = treeParams(this.options, nSamples, nFeatures)

    const master = new Random(this.options.seed)
    const trees: FlatTree[] = []
    const decreases: Float64Array[] = []
    const inBag: Float64Array[] = []
    for (let t = 0; t < this.options.nEstimators; t++) {
      // Each tree gets its own stream, so a tree depends only on its seed.
      const rng = new Random(master.nextUint32())
      const weights = new Float64Array(nSamples)
      if (this.options.bootstrap) for (let i = 0; i < nSamples; i++) weights[rng.randInt(nSamples)]++
      else weights.fill(1)
      const built = buildTree(data, weights, params, rng)
      trees.push(built.tree)
      decreases.push(built.impurityDecrease)
      if (this.options.oobScore) inBag.push(weights)
    }

    const forest: Forest = { nFeatures, nClasses: classes.length, trees }
    this.fitted = {
      classes,
      forest,
      importances: meanImportances(trees, decreases, nFeatures),
      oob: this.options.oobScore ? oobAccuracy(trees, inBag, data) : null,
      predictor: compileForest(forest),
    }
    return this
  }

  get isFitted(): boolean {
    return this.fitted !== null
  }

  get classes(): readonly string[] {
    return this.state().classes
  }

  get forest(): Forest {
    return this.state().forest
  }

  get featureImportances(): readonly number[] {
    return this.state().importances
  }

  /** Out-of-bag accuracy (scikit-learn's oob_score_); null unless oobScore was asked. */
  get oobScore(): number | null {
    return this.state().oob
  }

  get predictor(): ForestPredictor {
    return this.state().predictor
  }

  /** One probability array per row, in `classes` order. */
  predictProba(rows: Rows): number[][] {
    const { predictor, forest } = this.state()
    const proba = predictor.predictProba(rowsToMatrix(rows, forest.nFeatures), rows.length)
    const k = forest.nClasses
    return Array.from({ length: rows.length }, (_, r) => Array.from(proba.subarray(r * k, r * k + k)))
  }

  predict(rows: Rows): string[] {
    const { predictor, forest, classes } = this.state()
    const idx = predictor.predictIndices(rowsToMatrix(rows, forest.nFeatures), rows.length)
    return Array.from(idx, (i) => classes[i]!)
  }

  private state() {
    if (!this.fitted) throw new NotFittedError()
    return this.fitted
  }
}

/** scikit-learn: each splitting tree's importances normalised, averaged, renormalised. */
function meanImportances(trees: FlatTree[], decreases: Float64Array[], nFeatures: number): number[] {
  const mean = new Array<number>(nFeatures).fill(0)
  let used = 0
  trees.forEach((tree, t) => {
    if (tree.nodeCount <= 1) return
    const d = decreases[t]!
    let sum = 0
    for (let f = 0; f < nFeatures; f++) sum += d[f]!
    used++
    if (sum > 0) for (let f = 0; f < nFeatures; f++) mean[f]! += d[f]! / sum
  })
  if (used === 0) return mean
  for (let f = 0; f < nFeatures; f++) mean[f]! /= used
  const total = mean.reduce((a, b) => a + b, 0)
  return total > 0 ? mean.map((v) => v / total) : mean
}

/** Accuracy of each sample's prediction by the trees that did not see it (never-out samples count as class 0, as scikit-learn). */
function oobAccuracy(trees: FlatTree[], inBag: Float64Array[], data: TrainingSet): number {
  const { nSamples, nFeatures, nClasses, columns, y } = data
  const sums = new Float64Array(nSamples * nClasses)
  const row = new Float64Array(nFeatures)
  trees.forEach((tree, t) => {
    const weights = inBag[t]!
    for (let i = 0; i < nSamples; i++) {
      if (weights[i]! > 0) continue
      for (let f = 0; f < nFeatures; f++) row[f] = columns[f * nSamples + i]!
      const leaf = applyTree(tree, row)
      for (let k = 0; k < nClasses; k++) sums[i * nClasses + k] += tree.value[leaf * nClasses + k]!
    }
  })
  let correct = 0
  for (let i = 0; i < nSamples; i++) {
    let best = 0
    for (let k = 1; k < nClasses; k++) if (sums[i * nClasses + k]! > sums[i * nClasses + best]!) best = k
    if (best === y[i]) correct++
  }
  return correct / nSamples
}
