import type { CompiledLayout } from './compiled-layout.js'
import type { ForestTables } from './compiled-tables.js'

/**
 * JavaScript source for one forest's predictProba, specialised to it: the feature count, class
 * count, every table offset and tree depth are written into the code as integer literals, so V8
 * compiles straight-line code with no loop over trees and no per-tree lookups of offsets.
 *
 * Only numbers go into the source, and only integers that `int()` checks (safe integers print as
 * plain digits): nothing from the model file is ever pasted as text. Thresholds never appear in the
 * code at all: rows are ranked against the layout's Float64Array of thresholds (compiled-layout.ts),
 * and trees compare integer ranks.
 *
 * The generated function is `(X, nRows, out) => void`, closing over the arrays passed to the
 * factory: T (thresholds), I (tables' ints), N (layout nodes), V (leaf values), RK (a row's ranks,
 * used by trees left to the walk). Per row: rank each feature, then add each tree's leaf values in
 * tree order into per-class sums starting at 0, then divide by the tree count: the same operations
 * in the same order as the plain walk (reference.ts), so the same bits.
 */
export const FACTORY_PARAMS = ['T', 'I', 'N', 'V', 'RK'] as const

/** Classes up to this count get one local variable each; more use a scratch array. */
const UNROLL_CLASSES = 8

export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`generated code: ${n} is not a safe integer`)
  return String(n)
}

export function generateSource(
  layout: CompiledLayout,
  tables: ForestTables,
  nFeatures: number,
  nClasses: number,
): string {
  const nTrees = layout.roots.length
  const nF = int(nFeatures)
  const nC = int(nClasses)
  const unrolled = nClasses <= UNROLL_CLASSES
  const lines: string[] = []
  const emit = (s: string) => lines.push(s)
  const walks = tables.trees.some((t) => t === null)
  emit(unrolled ? '' : `const ACC = new Float64Array(${nC})`)
  emit('return function predictRows(X, nRows, out) {')
  emit('  for (let r = 0; r < nRows; r++) {')
  emit(`    const b = r * ${nF}`)
  emit('    let x, lo, hi, m, v, n')
  for (let f = 0; f < nFeatures; f++) {
    const lo = int(layout.thresholdStart[f]!)
    const hi = int(layout.thresholdStart[f + 1]!)
    // lowerBound (compiled-layout.ts): #thresholds < fround(x); NaN passes them all.
    emit(`    x = Math.fround(X[b + ${int(f)}]); lo = ${lo}; hi = ${hi}`)
    emit('    while (lo < hi) { m = (lo + hi) >>> 1; if (!(T[m] >= x)) lo = m + 1; else hi = m }')
    emit(`    const g${int(f)} = lo - ${lo}`)
    if (walks) emit(`    RK[${int(f)}] = g${int(f)}`)
  }
  if (unrolled) for (let c = 0; c < nClasses; c++) emit(`    let p${int(c)} = 0`)
  else emit('    ACC.fill(0)')
  for (let t = 0; t < nTrees; t++) {
    const table = tables.trees[t]
    if (table) {
      const cell = table.features.map((f, i) => `I[${int(table.mapOffsets[i]!)} + g${int(f)}]`)
      emit(`    v = I[${[int(table.cellOffset), ...cell].join(' + ')}]`)
    } else {
      emit(`    n = ${int(layout.roots[t]!)}`)
      emit(
        `    for (let d = 0; d < ${int(layout.depths[t]!)}; d++) n = N[n + 2 + ((N[n + 1] - RK[N[n]]) >>> 31)]`,
      )
      emit('    v = N[n + 3]')
    }
    if (unrolled) for (let c = 0; c < nClasses; c++) emit(`    p${int(c)} += V[v + ${int(c)}]`)
    else emit(`    for (let c = 0; c < ${nC}; c++) ACC[c] += V[v + c]`)
  }
  emit(`    const o = r * ${nC}`)
  if (unrolled)
    for (let c = 0; c < nClasses; c++) emit(`    out[o + ${int(c)}] = p${int(c)} / ${int(nTrees)}`)
  else emit(`    for (let c = 0; c < ${nC}; c++) out[o + c] = ACC[c] / ${int(nTrees)}`)
  emit('  }')
  emit('}')
  return lines.join('\n')
}
