import { FACTORY_PARAMS, generateSource } from './compiled-codegen.js'
import { type CompiledLayout, layoutForest } from './compiled-layout.js'
import { buildTables, type ForestTables } from './compiled-tables.js'
import { buildWasmForest } from './compiled-wasm.js'
import type { Forest } from './flat-tree.js'
import { argmaxRow, compileForest, type ForestPredictor } from './predictor.js'
import { referencePredictProba } from './reference.js'

/** Which predictor a model got at load, how long choosing and building it took, and why others were passed over. */
export interface PredictorChoice {
  readonly kind: PredictorKind
  readonly buildMs: number
  /** Kinds tried before this one, each with the reason it was not kept. */
  readonly fallbacks: readonly string[]
}

/** In order of preference: measured in docs/decisions/018-compiled-predictor.md. */
export type PredictorKind = 'wasm' | 'generated-js' | 'walker'
export const PREDICTOR_KINDS: readonly PredictorKind[] = ['wasm', 'generated-js', 'walker']

export interface ChosenPredictor extends ForestPredictor {
  readonly choice: PredictorChoice
}

/** Forests with more trees than this keep the walker (the generated code would be too large). */
export const MAX_GENERATED_TREES = 5000

/**
 * The predictor for a loaded model, chosen at load: WebAssembly built from the forest's tables
 * (compiled-wasm.ts), else JavaScript generated for the forest (compiled-codegen.ts), else today's
 * walker (predictor.ts). A compiled one is kept only if it gives the plain walk's bits on a probe set
 * (every threshold, its float32 neighbours, extremes, NaN). Never throws on a valid forest: any fault
 * in building is a fallback, recorded in `choice.fallbacks`. `kinds` restricts the candidates (tests,
 * benchmarks, the PREDICTOR setting); the walker is always the last resort.
 */
export function choosePredictor(
  forest: Forest,
  kinds: readonly PredictorKind[] = PREDICTOR_KINDS,
): ChosenPredictor {
  const start = performance.now()
  const fallbacks: string[] = []
  const done = (kind: PredictorKind, p: ForestPredictor): ChosenPredictor => ({
    nFeatures: p.nFeatures,
    nClasses: p.nClasses,
    nTrees: p.nTrees,
    predictProba: p.predictProba,
    predictIndices: p.predictIndices,
    choice: { kind, buildMs: performance.now() - start, fallbacks },
  })
  const compiled = kinds.filter((k) => k !== 'walker')
  if (compiled.length > 0) {
    if (forest.trees.length === 0) fallbacks.push('compiled: no trees')
    else if (forest.trees.length > MAX_GENERATED_TREES)
      fallbacks.push(`compiled: more than ${MAX_GENERATED_TREES} trees`)
    else {
      let built: Built | undefined
      for (const kind of compiled) {
        try {
          if (!built) {
            const layout = layoutForest(forest)
            built = { layout, tables: buildTables(layout) }
          }
          const p = kind === 'wasm' ? wasmPredictor(forest, built) : generatedPredictor(forest, built)
          const reason = probeMismatch(forest, p)
          if (reason === null) return done(kind, p)
          fallbacks.push(`${kind}: ${reason}`)
        } catch (e) {
          fallbacks.push(`${kind}: ${String((e as Error)?.message ?? e).slice(0, 100)}`)
        }
      }
    }
  }
  return done('walker', compileForest(forest))
}

type RowsFn = (X: Float64Array, nRows: number, out: Float64Array) => void
interface Built {
  layout: CompiledLayout
  tables: ForestTables
}

function wasmPredictor(forest: Forest, { layout, tables }: Built): ForestPredictor {
  const wasm = buildWasmForest(layout, tables, forest.nFeatures, forest.nClasses)
  return wrap(forest, (X, n, out) => wasm.predictProba(X, n, out))
}

/** Throws if the runtime refuses code generation from strings. */
function generatedPredictor(forest: Forest, { layout, tables }: Built): ForestPredictor {
  const source = generateSource(layout, tables, forest.nFeatures, forest.nClasses)
  const factory = new Function(...FACTORY_PARAMS, source) as (...args: unknown[]) => RowsFn
  const rowsFn = factory(
    layout.thresholds,
    tables.ints,
    layout.nodes,
    layout.leafValues,
    new Int32Array(forest.nFeatures),
  )
  return wrap(forest, rowsFn)
}

function wrap(forest: Forest, rowsFn: RowsFn): ForestPredictor {
  const { nFeatures, nClasses } = forest
  let probaScratch = new Float64Array(nClasses * 256)
  const predictProba = (rows: Float64Array, nRows: number, out?: Float64Array): Float64Array => {
    const res = out ?? new Float64Array(nRows * nClasses)
    rowsFn(rows, nRows, res)
    return res
  }
  return {
    nFeatures,
    nClasses,
    nTrees: forest.trees.length,
    predictProba,
    predictIndices(rows, nRows, out) {
      if (probaScratch.length < nRows * nClasses) probaScratch = new Float64Array(nRows * nClasses)
      const proba = predictProba(rows, nRows, probaScratch)
      const res = out ?? new Int32Array(nRows)
      for (let r = 0; r < nRows; r++) res[r] = argmaxRow(proba, r * nClasses, nClasses)
      return res
    },
  }
}

/**
 * Rows that put every feature on each of the forest's thresholds, just below and above them (as
 * float32), and on ±Infinity and NaN; null if the predictor gives the plain walk's bits on all.
 */
export function probeMismatch(forest: Forest, predictor: ForestPredictor): string | null {
  const { nFeatures, nClasses } = forest
  const sets = Array.from({ length: nFeatures }, () => new Set<number>([Number.NaN, Infinity, -Infinity, 0]))
  for (const t of forest.trees) {
    for (let n = 0; n < t.nodeCount; n++) {
      const f = t.feature[n]!
      if (f < 0 || f >= nFeatures) continue
      const th = t.threshold[n]!
      const f32 = Math.fround(th)
      for (const v of [th, f32, nextFloat32(f32, 1), nextFloat32(f32, -1)]) sets[f]!.add(v)
    }
  }
  const values = sets.map((s) => [...s])
  const nRows = Math.max(...values.map((v) => v.length))
  const rows = new Float64Array(nRows * nFeatures)
  for (let r = 0; r < nRows; r++) {
    for (let f = 0; f < nFeatures; f++) {
      const v = values[f]!
      // Each feature's list at a different pace, so rows mix values across features.
      rows[r * nFeatures + f] = v[(r * (2 * f + 1) + f) % v.length]!
    }
  }
  const want = referencePredictProba(forest, rows, nRows)
  const got = predictor.predictProba(rows, nRows)
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(want[i], got[i])) {
      const r = Math.floor(i / nClasses)
      return `probe row ${r}: generated ${got[i]} != walk ${want[i]}`
    }
  }
  return null
}

/** The float32 next to f32 (itself a float32) in direction dir (+1 up, -1 down). */
function nextFloat32(f32: number, dir: 1 | -1): number {
  if (!Number.isFinite(f32)) return f32
  const buf = new Float32Array(1)
  const bits = new Int32Array(buf.buffer)
  buf[0] = f32
  if (f32 === 0) {
    bits[0] = dir === 1 ? 1 : -2147483647
    return buf[0]!
  }
  bits[0] = bits[0]! + (f32 > 0 === (dir === 1) ? 1 : -1)
  return buf[0]!
}
