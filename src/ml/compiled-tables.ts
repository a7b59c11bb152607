import { type CompiledLayout, LEAF_RANK } from './compiled-layout.js'

/**
 * Each tree as a lookup table, for the generated predictor (compiled-codegen.ts). A row's leaf in a
 * tree depends only on the row's threshold ranks (compiled-layout.ts) of the features the tree
 * splits on, and only through which of the tree's own thresholds they pass. So per tree:
 * - for each feature f it uses, a map from the forest-wide rank g (0..K_f) to l * stride, where l is
 *   the number of the tree's own distinct thresholds on f that g passes (rank k goes right iff k < g);
 * - a cell table, indexed by the sum of those maps, holding the leaf's value offset (as the layout's
 *   `nodes[leaf + 3]`): one load per feature, one for the leaf, no branches and no chain of loads as
 *   deep as the tree.
 * A tree whose cell table would be large (many thresholds on many features) stays a walk.
 */
export interface TreeTable {
  /** Features the tree splits on, and the offset of each one's rank map in `ints`. */
  readonly features: readonly number[]
  readonly mapOffsets: readonly number[]
  /** Offset of the cell table in `ints`, and its length. */
  readonly cellOffset: number
  readonly cellCount: number
}

export interface ForestTables {
  /** One entry per tree: its table, or null for a tree left to the walk. */
  readonly trees: readonly (TreeTable | null)[]
  /** All rank maps and cell tables. */
  readonly ints: Int32Array
}

/** Largest cell table per tree, and for the whole forest (ints), before trees fall back to the walk. */
export const MAX_CELLS_PER_TREE = 4096
export const MAX_TABLE_INTS = 1 << 22

export function buildTables(layout: CompiledLayout): ForestTables {
  const { nodes, roots, thresholdStart } = layout
  const chunks: Int32Array[] = []
  let used = 0
  const push = (a: Int32Array) => {
    const at = used
    chunks.push(a)
    used += a.length
    return at
  }
  const trees = Array.from(roots, (root): TreeTable | null => {
    // The tree's own distinct rank thresholds per feature (reachable nodes only).
    const local = new Map<number, Set<number>>()
    const nodeFeature = new Map<number, number>()
    const stack = [root]
    while (stack.length > 0) {
      const n = stack.pop()!
      if (nodes[n + 1] === LEAF_RANK) continue
      const f = nodes[n]!
      nodeFeature.set(n, f)
      if (!local.has(f)) local.set(f, new Set())
      local.get(f)!.add(nodes[n + 1]!)
      stack.push(nodes[n + 2]!, nodes[n + 3]!)
    }
    const features = [...local.keys()].sort((a, b) => a - b)
    const sorted = features.map((f) => [...local.get(f)!].sort((a, b) => a - b))
    let cells = 1
    for (const s of sorted) cells *= s.length + 1
    if (cells > MAX_CELLS_PER_TREE) return null
    let mapInts = 0
    for (const f of features) mapInts += thresholdStart[f + 1]! - thresholdStart[f]! + 1
    if (used + mapInts + cells > MAX_TABLE_INTS) return null

    const strides: number[] = []
    let stride = 1
    for (const s of sorted) {
      strides.push(stride)
      stride *= s.length + 1
    }
    const mapOffsets = features.map((f, i) => {
      const nRanks = thresholdStart[f + 1]! - thresholdStart[f]! + 1
      const map = new Int32Array(nRanks)
      let l = 0
      for (let g = 0; g < nRanks; g++) {
        while (l < sorted[i]!.length && sorted[i]![l]! < g) l++
        map[g] = l * strides[i]!
      }
      return push(map)
    })
    // Per reachable node: which of the tree's features it tests (slot) and its local threshold index.
    const slotOf = new Map<number, number>()
    const jOf = new Map<number, number>()
    for (const [n, f] of nodeFeature) {
      const i = features.indexOf(f)
      slotOf.set(n, i)
      jOf.set(n, sorted[i]!.indexOf(nodes[n + 1]!))
    }
    const cellTable = new Int32Array(cells)
    const localRank = new Int32Array(features.length)
    for (let c = 0; c < cells; c++) {
      for (let i = 0; i < features.length; i++)
        localRank[i] = Math.floor(c / strides[i]!) % (sorted[i]!.length + 1)
      let n = root
      while (nodes[n + 1] !== LEAF_RANK)
        n = localRank[slotOf.get(n)!]! > jOf.get(n)! ? nodes[n + 3]! : nodes[n + 2]!
      cellTable[c] = nodes[n + 3]!
    }
    return { features, mapOffsets, cellOffset: push(cellTable), cellCount: cells }
  })
  const ints = new Int32Array(used)
  let at = 0
  for (const c of chunks) {
    ints.set(c, at)
    at += c.length
  }
  return { trees, ints }
}
