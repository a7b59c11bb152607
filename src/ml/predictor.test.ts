import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FlatTree, Forest } from './flat-tree.js'
import { RandomForestClassifier } from './forest.js'
import { argmaxRow, compileForest } from './predictor.js'
import { Random } from './random.js'
import { referencePredictProba } from './reference.js'

function leafTree(value: number[]): FlatTree {
  return {
    nodeCount: 1,
    nClasses: value.length,
    childrenLeft: Int32Array.of(-1),
    childrenRight: Int32Array.of(-1),
    feature: Int32Array.of(-2),
    threshold: Float64Array.of(-2),
    value: Float64Array.from(value),
    nNodeSamples: Int32Array.of(1),
    weightedNNodeSamples: Float64Array.of(1),
  }
}

// A forest on few distinct values, so probes often sit exactly on thresholds.
function trainedForest(seed: number, nTrees: number): Forest {
  const rng = new Random(seed)
  const X: number[][] = []
  const y: string[] = []
  for (let i = 0; i < 80; i++) {
    const row = [rng.randInt(9) / 4, rng.randInt(5) * 0.1, rng.nextFloat() * 3]
    X.push(row)
    y.push(row[0]! + row[1]! * 3 + rng.nextFloat() > 2 ? (row[2]! > 1.5 ? 'c' : 'b') : 'a')
  }
  return new RandomForestClassifier({ nEstimators: nTrees, seed, maxDepth: seed % 3 === 0 ? 3 : null }).fit(
    X,
    y,
  ).forest
}

const forests = [trainedForest(1, 7), trainedForest(2, 13), trainedForest(3, 1)]

function thresholdsOf(forest: Forest, f: number): number[] {
  const out: number[] = []
  for (const t of forest.trees)
    for (let n = 0; n < t.nodeCount; n++) if (t.feature[n] === f) out.push(t.threshold[n]!)
  return out
}

describe('compileForest', () => {
  it('matches the plain walk exactly, for any rows (values on thresholds, float32 neighbours, extremes)', () => {
    fc.assert(
      fc.property(
        fc.nat(forests.length - 1),
        fc.integer({ min: 1, max: 23 }),
        fc.infiniteStream(fc.tuple(fc.nat(5), fc.nat(1000), fc.double({ noNaN: true }))),
        (fi, nRows, stream) => {
          const forest = forests[fi]!
          const rows = new Float64Array(nRows * forest.nFeatures)
          const it = stream[Symbol.iterator]()
          for (let i = 0; i < rows.length; i++) {
            const [kind, pick, any] = it.next().value as [number, number, number]
            const ts = thresholdsOf(forest, i % forest.nFeatures)
            const t = ts.length > 0 ? ts[pick % ts.length]! : 0
            const f32 = Math.fround(t)
            rows[i] = [t, f32, f32 + 1e-9, t - 1e-12, any, pick / 100][kind]!
          }
          const fast = compileForest(forest)
          const want = referencePredictProba(forest, rows, nRows)
          expect(Array.from(fast.predictProba(rows, nRows))).toEqual(Array.from(want))
          const idx = fast.predictIndices(rows, nRows)
          for (let r = 0; r < nRows; r++)
            expect(idx[r]).toBe(argmaxRow(want, r * forest.nClasses, forest.nClasses))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('treats NaN and infinities like the plain walk', () => {
    const forest = forests[1]!
    const rows = Float64Array.of(
      Number.NaN,
      0,
      0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1,
      0,
      0,
      0,
    )
    expect(Array.from(compileForest(forest).predictProba(rows, 3))).toEqual(
      Array.from(referencePredictProba(forest, rows, 3)),
    )
  })

  it('writes into a given buffer and gives the same answers on reuse', () => {
    const forest = forests[0]!
    const p = compileForest(forest)
    const rows = Float64Array.from({ length: 30 }, (_, i) => ((i * 7) % 10) / 4)
    const out = new Float64Array(10 * 3).fill(123)
    expect(p.predictProba(rows, 10, out)).toBe(out)
    const again = p.predictProba(rows, 10)
    expect(Array.from(out)).toEqual(Array.from(again))
    const idx = new Int32Array(10)
    expect(p.predictIndices(rows, 10, idx)).toBe(idx)
  })

  it('sends ties to the lowest class index', () => {
    const forest: Forest = { nFeatures: 1, nClasses: 3, trees: [leafTree([0, 1, 0]), leafTree([0, 0, 1])] }
    const p = compileForest(forest)
    expect(Array.from(p.predictProba(Float64Array.of(0), 1))).toEqual([0, 0.5, 0.5])
    expect(Array.from(p.predictIndices(Float64Array.of(0, 0, 0, 0, 0), 5))).toEqual([1, 1, 1, 1, 1])
    expect(argmaxRow(Float64Array.of(0.2, 0.4, 0.4), 0, 3)).toBe(1)
  })

  it('divides the sum by the tree count (scikit-learn), not multiplies by its inverse', () => {
    const values = [0.1, 0.7, 0.2, 0.3, 0.3, 0.4, 0.6, 0.1, 0.3]
    const trees = [0, 1, 2].map((t) => leafTree(values.slice(t * 3, t * 3 + 3)))
    const p = compileForest({ nFeatures: 1, nClasses: 3, trees })
    const got = p.predictProba(Float64Array.of(0), 1)
    for (let k = 0; k < 3; k++) expect(got[k]).toBe((values[k]! + values[3 + k]! + values[6 + k]!) / 3)
  })

  it('exposes its shape', () => {
    const p = compileForest(forests[1]!)
    expect([p.nFeatures, p.nClasses, p.nTrees]).toEqual([3, 3, 13])
  })
})
