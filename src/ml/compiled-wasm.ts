import type { CompiledLayout } from './compiled-layout.js'
import type { ForestTables } from './compiled-tables.js'
import { BLOCK_VOID, F64, I32, moduleBytes, Op, signed, unsigned } from './wasm-encode.js'

/**
 * The forest's tables (compiled-tables.ts) as one WebAssembly function, the same arithmetic as the
 * generated JavaScript (compiled-codegen.ts): per row, rank each feature (binary search over the
 * thresholds, after rounding to float32 with f32.demote_f64, which rounds like Math.fround), then per
 * tree one load per used feature and one for the cell, then add the leaf's values in tree order into
 * per-class sums starting at 0, then divide by the tree count. Every table offset is an immediate of
 * its load, and Wasm memory accesses need no bounds checks in code, so a tree costs a handful of
 * instructions. Only integers from the layout go into the code; thresholds and leaf values are data.
 *
 * Memory: [thresholds f64][leaf values f64][tables i32][rows chunk f64][out chunk f64]. The rank maps
 * hold byte offsets (l * stride * 4) and the cells the byte address of the leaf's values, so no
 * scaling is left for the hot loop.
 */
export interface WasmForest {
  /** Rows (row-major) in, probabilities out, CHUNK_ROWS at a time through the module's memory. */
  predictProba(rows: Float64Array, nRows: number, out: Float64Array): void
}

export const CHUNK_ROWS = 2048
/** Up to this many values, rows go in and probabilities come out one value at a time (see predictProba). */
const SMALL_COPY = 64
const PAGE = 65536

export function buildWasmForest(
  layout: CompiledLayout,
  tables: ForestTables,
  nFeatures: number,
  nClasses: number,
): WasmForest {
  if (tables.trees.some((t) => t === null)) throw new Error('wasm: a tree has no table')
  const nTrees = layout.roots.length
  const tBase = 0
  const vBase = tBase + layout.thresholds.length * 8
  const iBase = vBase + layout.leafValues.length * 8
  const xBase = align(iBase + tables.ints.length * 4, 8)
  const oBase = xBase + CHUNK_ROWS * nFeatures * 8
  const end = oBase + CHUNK_ROWS * nClasses * 8
  const pages = Math.ceil(end / PAGE)

  // Locals: params xPtr(0) nRows(1) outPtr(2); i32 r lo hi m v g[f]; f64 x p[c].
  const [X, N_ROWS, OUT, R, LO, HI, M, V] = [0, 1, 2, 3, 4, 5, 6, 7]
  const G = 8
  const XF = G + nFeatures
  const P = XF + 1
  const b: number[] = []
  const op = (...bytes: number[]) => {
    for (const x of bytes) b.push(x)
  }
  const get = (l: number) => op(Op.localGet, ...unsigned(l))
  const set = (l: number) => op(Op.localSet, ...unsigned(l))
  const i32 = (n: number) => op(Op.i32Const, ...signed(n))
  const loadI32 = (offset: number) => op(Op.i32Load, 2, ...unsigned(offset))
  const loadF64 = (offset: number) => op(Op.f64Load, 3, ...unsigned(offset))

  op(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID)
  get(R)
  get(N_ROWS)
  op(Op.i32GeS, Op.brIf, 1)
  for (let f = 0; f < nFeatures; f++) {
    const lo = layout.thresholdStart[f]!
    const hi = layout.thresholdStart[f + 1]!
    get(X)
    loadF64(f * 8)
    op(Op.f32DemoteF64, Op.f64PromoteF32)
    set(XF)
    i32(lo)
    set(LO)
    i32(hi)
    set(HI)
    // while (lo < hi) { m = (lo + hi) >>> 1; if (T[m] >= x) hi = m else lo = m + 1 }
    op(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID)
    get(LO)
    get(HI)
    op(Op.i32GeS, Op.brIf, 1)
    get(LO)
    get(HI)
    op(Op.i32Add)
    i32(1)
    op(Op.i32ShrU)
    op(Op.localTee, ...unsigned(M))
    i32(3)
    op(Op.i32Shl)
    loadF64(tBase)
    get(XF)
    op(Op.f64Ge, Op.if, BLOCK_VOID)
    get(M)
    set(HI)
    op(Op.else)
    get(M)
    i32(1)
    op(Op.i32Add)
    set(LO)
    op(Op.end, Op.br, 0, Op.end, Op.end)
    // g[f] = (lo - start) * 4: a byte offset into the tree's rank map.
    get(LO)
    i32(lo)
    op(Op.i32Sub)
    i32(2)
    op(Op.i32Shl)
    set(G + f)
  }
  for (let c = 0; c < nClasses; c++) {
    op(Op.f64Const, 0, 0, 0, 0, 0, 0, 0, 0)
    set(P + c)
  }
  for (const table of tables.trees) {
    table!.features.forEach((f, i) => {
      get(G + f)
      loadI32(iBase + table!.mapOffsets[i]! * 4)
      if (i > 0) op(Op.i32Add)
    })
    if (table!.features.length === 0) i32(0)
    loadI32(iBase + table!.cellOffset * 4)
    set(V)
    for (let c = 0; c < nClasses; c++) {
      get(P + c)
      get(V)
      loadF64(c * 8)
      op(Op.f64Add)
      set(P + c)
    }
  }
  for (let c = 0; c < nClasses; c++) {
    get(OUT)
    get(P + c)
    op(Op.f64Const, ...f64Bytes(nTrees))
    op(Op.f64Div, Op.f64Store, 3, ...unsigned(c * 8))
  }
  get(R)
  i32(1)
  op(Op.i32Add)
  set(R)
  get(X)
  i32(nFeatures * 8)
  op(Op.i32Add)
  set(X)
  get(OUT)
  i32(nClasses * 8)
  op(Op.i32Add)
  set(OUT)
  op(Op.br, 0, Op.end, Op.end)

  const bytes = moduleBytes(
    [I32, I32, I32],
    [
      { count: 5 + nFeatures, type: I32 },
      { count: 1 + nClasses, type: F64 },
    ],
    b,
    pages,
  )
  const wasm = wasmApi()
  if (wasm === undefined) throw new Error('no WebAssembly in this runtime')
  const instance = new wasm.Instance(new wasm.Module(bytes), {})
  const run = instance.exports.run as (x: number, n: number, o: number) => void
  const buffer = (instance.exports.mem as { buffer: ArrayBuffer }).buffer
  new Float64Array(buffer, tBase, layout.thresholds.length).set(layout.thresholds)
  new Float64Array(buffer, vBase, layout.leafValues.length).set(layout.leafValues)
  const ints = new Int32Array(buffer, iBase, tables.ints.length)
  ints.set(tables.ints)
  // Rank maps to byte offsets, cells to byte addresses of leaf values.
  tables.trees.forEach((table) => {
    table!.mapOffsets.forEach((at, i) => {
      const f = table!.features[i]!
      const n = layout.thresholdStart[f + 1]! - layout.thresholdStart[f]! + 1
      for (let k = at; k < at + n; k++) ints[k] = ints[k]! * 4
    })
  })
  for (const table of tables.trees) {
    const { cellOffset, cellCount } = table!
    for (let k = cellOffset; k < cellOffset + cellCount; k++) ints[k] = vBase + ints[k]! * 8
  }
  const xView = new Float64Array(buffer, xBase, CHUNK_ROWS * nFeatures)
  const oView = new Float64Array(buffer, oBase, CHUNK_ROWS * nClasses)
  return {
    predictProba(rows, nRows, out) {
      for (let r0 = 0; r0 < nRows; r0 += CHUNK_ROWS) {
        const n = Math.min(CHUNK_ROWS, nRows - r0)
        const inputs = n * nFeatures
        const outputs = n * nClasses
        const from = r0 * nFeatures
        const to = r0 * nClasses
        // A few values are copied one by one: subarray() of a small array makes V8 move its elements to a
        // malloc'ed buffer of their own (a one-row request's rows live in the JS heap), and a view is an
        // object more for the young generation.
        if (inputs <= SMALL_COPY) for (let i = 0; i < inputs; i++) xView[i] = rows[from + i]!
        else xView.set(rows.subarray(from, from + inputs))
        run(xBase, n, oBase)
        if (outputs <= SMALL_COPY) for (let i = 0; i < outputs; i++) out[to + i] = oView[i]!
        else out.set(n === CHUNK_ROWS ? oView : oView.subarray(0, outputs), to)
      }
    },
  }
}

/**
 * The global WebAssembly API (browsers and Node have it), typed here for what we use: the server build's
 * lib has no DOM types, and a runtime may lack it (then the predictor falls back).
 */
interface WasmApi {
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to
}

function f64Bytes(v: number): number[] {
  return Array.from(new Uint8Array(Float64Array.of(v).buffer))
}
