import { describe, expect, it } from 'vitest'
import { type FlatTree, type Forest, LEAF } from './flat-tree.js'
import { compileExplainer, explainForest, TreeShapError } from './treeshap.js'

/** Build a FlatTree from node literals; leaves carry their class distribution and cover. */
type NodeSpec =
  | { f: number; t: number; l: number; r: number; cover: number }
  | { leaf: number[]; cover: number }

function tree(nodes: NodeSpec[], nClasses = 2): FlatTree {
  const value = new Float64Array(nodes.length * nClasses)
  nodes.forEach((n, i) => {
    if ('leaf' in n) value.set(n.leaf, i * nClasses)
  })
  return {
    nodeCount: nodes.length,
    nClasses,
    childrenLeft: Int32Array.from(nodes, (n) => ('leaf' in n ? LEAF : n.l)),
    childrenRight: Int32Array.from(nodes, (n) => ('leaf' in n ? LEAF : n.r)),
    feature: Int32Array.from(nodes, (n) => ('leaf' in n ? -2 : n.f)),
    threshold: Float64Array.from(nodes, (n) => ('leaf' in n ? -2 : n.t)),
    value,
    nNodeSamples: Int32Array.from(nodes, (n) => n.cover),
    weightedNNodeSamples: Float64Array.from(nodes, (n) => n.cover),
  }
}

const forestOf = (nFeatures: number, ...trees: FlatTree[]): Forest => ({
  nFeatures,
  nClasses: trees[0].nClasses,
  trees,
})

// x0 <= 0.5 ? [1, 0] (cover 4) : [0, 1] (cover 6)
const stump = tree([
  { f: 0, t: 0.5, l: 1, r: 2, cover: 10 },
  { leaf: [1, 0], cover: 4 },
  { leaf: [0, 1], cover: 6 },
])

// Class 1 iff x0 > 0.5 and x1 > 0.5, four equally covered leaves.
const and = tree([
  { f: 0, t: 0.5, l: 1, r: 2, cover: 4 },
  { f: 1, t: 0.5, l: 3, r: 4, cover: 2 },
  { f: 1, t: 0.5, l: 5, r: 6, cover: 2 },
  { leaf: [1, 0], cover: 1 },
  { leaf: [1, 0], cover: 1 },
  { leaf: [1, 0], cover: 1 },
  { leaf: [0, 1], cover: 1 },
])

describe('TreeSHAP on hand-computed trees', () => {
  it('gives a stump its whole effect on the split feature and 0 to the others', () => {
    const e = explainForest(forestOf(3, stump), Float64Array.of(0.2, 9, 9), 1)
    expect(Array.from(e.expectedValue)).toEqual([0.4, 0.6])
    // Row goes left: class 0 gets 1 - 0.4, class 1 gets 0 - 0.6. Layout: [class][feature].
    expect(e.contributions[0]).toBeCloseTo(0.6, 15)
    expect(e.contributions[3]).toBeCloseTo(-0.6, 15)
    expect([e.contributions[1], e.contributions[2], e.contributions[4], e.contributions[5]]).toEqual([
      0, 0, 0, 0,
    ])
  })

  it('splits an AND evenly: v(0)=.25, v({0})=v({1})=.5, v(both)=1 gives 0.375 each', () => {
    const e = explainForest(forestOf(2, and), Float64Array.of(1, 1), 1)
    expect(e.expectedValue[1]).toBeCloseTo(0.25, 15)
    expect(e.contributions[2]).toBeCloseTo(0.375, 15)
    expect(e.contributions[3]).toBeCloseTo(0.375, 15)
    expect(e.contributions[0]).toBeCloseTo(-0.375, 15)
  })

  it('averages trees: a forest of the stump and the AND', () => {
    const e = explainForest(forestOf(2, stump, and), Float64Array.of(1, 1), 1)
    expect(e.expectedValue[1]).toBeCloseTo((0.6 + 0.25) / 2, 15)
    expect(e.contributions[2]).toBeCloseTo((0.4 + 0.375) / 2, 15)
    expect(e.contributions[3]).toBeCloseTo(0.375 / 2, 15)
  })

  it('compares inputs as float32, like the engine', () => {
    // 0.1 as float32 is 0.100000001490116...; a threshold just below the float64 0.1 sends it right.
    const t = tree([
      { f: 0, t: 0.1, l: 1, r: 2, cover: 2 },
      { leaf: [1, 0], cover: 1 },
      { leaf: [0, 1], cover: 1 },
    ])
    const e = explainForest(forestOf(1, t), Float64Array.of(0.1), 1)
    expect(e.contributions[1]).toBeCloseTo(0.5, 15)
  })

  it('explains several rows into a caller-provided buffer without touching the rest', () => {
    const explainer = compileExplainer(forestOf(3, stump))
    const out = new Float64Array(2 * 2 * 3 + 1).fill(7)
    explainer.explain(Float64Array.of(0.2, 0, 0, 0.9, 0, 0), 2, out)
    expect(out[0]).toBeCloseTo(0.6, 15)
    expect(out[6]).toBeCloseTo(-0.4, 15)
    expect(out[9]).toBeCloseTo(0.4, 15)
    expect(out[12]).toBe(7)
  })

  it('refuses trees it cannot explain, naming tree and node', () => {
    const zero = tree([
      { f: 0, t: 0.5, l: 1, r: 2, cover: 0 },
      { leaf: [1, 0], cover: 0 },
      { leaf: [0, 1], cover: 0 },
    ])
    expect(() => compileExplainer(forestOf(1, stump, zero))).toThrow(TreeShapError)
    expect(() => compileExplainer(forestOf(1, stump, zero))).toThrow(/tree 1 node 0: cover/)
    expect(() => compileExplainer({ nFeatures: 1, nClasses: 2, trees: [] })).toThrow(/no trees/)
    expect(() => compileExplainer(forestOf(1, and))).toThrow(/node 1: feature 1 not in \[0, 1\)/)
  })

  it('refuses short row and output buffers', () => {
    const explainer = compileExplainer(forestOf(3, stump))
    expect(() => explainer.explain(new Float64Array(5), 2)).toThrow(RangeError)
    expect(() => explainer.explain(new Float64Array(6), 2, new Float64Array(11))).toThrow(RangeError)
  })
})
