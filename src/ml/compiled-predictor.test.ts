import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { generateSource, int } from './compiled-codegen.js'
import { layoutForest } from './compiled-layout.js'
import { choosePredictor, type PredictorKind, probeMismatch } from './compiled-predictor.js'
import { buildTables } from './compiled-tables.js'
import { type FlatTree, type Forest, LEAF } from './flat-tree.js'
import { RandomForestClassifier } from './forest.js'
import { argmaxRow, compileForest } from './predictor.js'
import { Random } from './random.js'
import { referencePredictProba } from './reference.js'

/**
 * A random tree of the given shape: children after their parent (the format's rule), thresholds drawn
 * from a few values so rows often land on them, leaf distributions summing to 1.
 */
function randomTree(
  rng: Random,
  nFeatures: number,
  nClasses: number,
  maxDepth: number,
  thresholds: number[],
) {
  const left: number[] = []
  const right: number[] = []
  const feature: number[] = []
  const threshold: number[] = []
  const value: number[] = []
  const grow = (depth: number): number => {
    const n = left.length
    left.push(LEAF)
    right.push(LEAF)
    feature.push(-2)
    threshold.push(-2)
    const split = depth < maxDepth && rng.nextFloat() < 0.8
    const counts = Array.from({ length: nClasses }, () => rng.randInt(5))
    counts[rng.randInt(nClasses)]! += 1
    const total = counts.reduce((a, b) => a + b, 0)
    value.push(...counts.map((c) => c / total))
    if (!split) return n
    feature[n] = rng.randInt(nFeatures)
    threshold[n] = thresholds[rng.randInt(thresholds.length)]!
    left[n] = grow(depth + 1)
    right[n] = grow(depth + 1)
    return n
  }
  grow(0)
  const nodeCount = left.length
  const tree: FlatTree = {
    nodeCount,
    nClasses,
    childrenLeft: Int32Array.from(left),
    childrenRight: Int32Array.from(right),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    value: Float64Array.from(value),
    nNodeSamples: new Int32Array(nodeCount).fill(1),
    weightedNNodeSamples: new Float64Array(nodeCount).fill(1),
  }
  return tree
}

function randomForest(
  seed: number,
  nTrees: number,
  nFeatures: number,
  nClasses: number,
  maxDepth: number,
  nThresholds = 12,
) {
  const rng = new Random(seed)
  // float32 midpoints and plain float64s, negative and positive, as real thresholds are.
  const thresholds = Array.from({ length: nThresholds }, (_, i) =>
    i % 2 ? Math.fround(rng.nextFloat() * 10 - 5) : rng.nextFloat() * 10 - 5,
  )
  const trees = Array.from({ length: nTrees }, () =>
    randomTree(rng, nFeatures, nClasses, maxDepth, thresholds),
  )
  return { forest: { nFeatures, nClasses, trees } as Forest, thresholds }
}

function probeRows(rng: Random, nRows: number, nFeatures: number, thresholds: number[]): Float64Array {
  const rows = new Float64Array(nRows * nFeatures)
  for (let i = 0; i < rows.length; i++) {
    const t = thresholds[rng.randInt(thresholds.length)]!
    const kind = rng.randInt(6)
    rows[i] = [t, Math.fround(t), t + 1e-7, t - 1e-12, rng.nextFloat() * 12 - 6, Number.NaN][kind]!
  }
  return rows
}

const COMPILED: PredictorKind[] = ['wasm', 'generated-js']

describe('choosePredictor', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it.each(COMPILED)('%s gives the plain walk bit for bit on random forests and rows', (kind) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 11 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 300 }),
        (seed, nTrees, nFeatures, nClasses, maxDepth, nRows) => {
          const { forest, thresholds } = randomForest(seed, nTrees, nFeatures, nClasses, maxDepth)
          const p = choosePredictor(forest, [kind])
          const tabled = buildTables(layoutForest(forest)).trees.every((t) => t !== null)
          if (kind === 'wasm' && !tabled) {
            expect(p.choice).toMatchObject({ kind: 'walker', fallbacks: [expect.stringMatching(/no table/)] })
          } else expect(p.choice).toMatchObject({ kind, fallbacks: [] })
          const rows = probeRows(new Random(seed + 1), nRows, nFeatures, thresholds)
          const want = referencePredictProba(forest, rows, nRows)
          expect(Array.from(p.predictProba(rows, nRows))).toEqual(Array.from(want))
          const idx = p.predictIndices(rows, nRows)
          for (let r = 0; r < nRows; r++) expect(idx[r]).toBe(argmaxRow(want, r * nClasses, nClasses))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('prefers wasm, and is exact on a trained forest over more rows than one wasm chunk', () => {
    const rng = new Random(7)
    const X = Array.from({ length: 120 }, () => [rng.nextFloat() * 4, rng.randInt(6) / 2, rng.nextFloat()])
    const y = X.map((r) => (r[0]! + r[1]! > 3 ? 'a' : r[2]! > 0.5 ? 'b' : 'c'))
    const forest = new RandomForestClassifier({ nEstimators: 40, seed: 3 }).fit(X, y).forest
    const p = choosePredictor(forest)
    expect(p.choice).toMatchObject({ kind: 'wasm', fallbacks: [] })
    const nRows = 5000
    const rows = Float64Array.from({ length: nRows * 3 }, () => rng.nextFloat() * 5 - 0.5)
    const out = new Float64Array(nRows * 3).fill(9)
    expect(p.predictProba(rows, nRows, out)).toBe(out)
    expect(Array.from(out)).toEqual(Array.from(referencePredictProba(forest, rows, nRows)))
    // Small inputs and outputs are copied value by value, also for a short last chunk after a full one.
    for (const n of [1, 2, 21, 22, 2048 + 5, 2048 + 30]) {
      const part = rows.slice(0, n * 3)
      expect(Array.from(p.predictProba(part, n))).toEqual(Array.from(referencePredictProba(forest, part, n)))
    }
  })

  it('leaves a tree with too many cells to the walk in generated JS, and wasm falls back to it', () => {
    // Deep trees on many thresholds of three features: more cells than MAX_CELLS_PER_TREE.
    const { forest, thresholds } = randomForest(11, 3, 3, 3, 16, 40)
    const tables = buildTables(layoutForest(forest))
    expect(tables.trees.some((t) => t === null)).toBe(true)
    const p = choosePredictor(forest)
    expect(p.choice.kind).toBe('generated-js')
    expect(p.choice.fallbacks).toEqual([expect.stringMatching(/^wasm: .*no table/)])
    const rows = probeRows(new Random(2), 500, 3, thresholds)
    expect(Array.from(p.predictProba(rows, 500))).toEqual(
      Array.from(referencePredictProba(forest, rows, 500)),
    )
  })

  it('falls back to generated JS without WebAssembly, and to the walker without code generation', () => {
    const { forest } = randomForest(5, 4, 2, 3, 3)
    vi.stubGlobal('WebAssembly', undefined)
    const js = choosePredictor(forest)
    expect(js.choice.kind).toBe('generated-js')
    expect(js.choice.fallbacks).toEqual(['wasm: no WebAssembly in this runtime'])
    vi.stubGlobal('Function', () => {
      throw new EvalError('Code generation from strings disallowed for this context')
    })
    const walker = choosePredictor(forest, ['generated-js'])
    expect(walker.choice.kind).toBe('walker')
    expect(walker.choice.fallbacks).toEqual([expect.stringMatching(/^generated-js: /)])
    const rows = Float64Array.of(0, 1, -3, 2)
    expect(Array.from(walker.predictProba(rows, 2))).toEqual(
      Array.from(referencePredictProba(forest, rows, 2)),
    )
  })

  it('rejects a predictor that differs from the walk on the probe set', () => {
    const { forest } = randomForest(9, 5, 2, 3, 3)
    const good = compileForest(forest)
    expect(probeMismatch(forest, good)).toBeNull()
    const off = {
      ...good,
      predictProba: (rows: Float64Array, n: number) => {
        const p = good.predictProba(rows, n)
        p[p.length - 1] = p[p.length - 1]! + 2 ** -52
        return p
      },
    }
    expect(probeMismatch(forest, off)).toMatch(/^probe row \d+: generated .* != walk /)
  })

  it('keeps the walker on request, and for a forest with no trees', () => {
    const { forest } = randomForest(1, 2, 2, 2, 2)
    expect(choosePredictor(forest, ['walker']).choice).toMatchObject({ kind: 'walker', fallbacks: [] })
    const empty = choosePredictor({ nFeatures: 2, nClasses: 2, trees: [] })
    expect(empty.choice).toMatchObject({ kind: 'walker', fallbacks: ['compiled: no trees'] })
  })
})

describe('generated source', () => {
  it('holds only integers from the forest: no threshold, no text from the model', () => {
    const { forest } = randomForest(3, 6, 4, 3, 5)
    const layout = layoutForest(forest)
    const source = generateSource(layout, buildTables(layout), 4, 3)
    // Every number literal is a plain run of digits; no string or template literal, no decimal point.
    expect(source).not.toMatch(/["'`]/)
    expect(source).not.toMatch(/\d\.\d|\de[+-]?\d/i)
    const threshold = forest.trees.find((t) => t.nodeCount > 1)!.threshold[0]!
    expect(source).not.toContain(String(threshold))
  })

  it('refuses a number that is not a safe integer', () => {
    expect(int(42)).toBe('42')
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      expect(() => int(bad)).toThrow(/safe integer/)
  })
})
