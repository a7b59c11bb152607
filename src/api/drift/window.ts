/**
 * The live window of one served model version in one process: the last `capacity` rows predicted, their
 * predicted class and arrival time, in preallocated ring buffers (Float64Array / Int32Array). Recording is
 * the only drift work on the request path: a copy of each row's values, no allocation, no statistics.
 */
import type { ReferenceProfile } from '../../model/reference-profile.js'
import type { PredictionModel } from '../../model/types.js'

/**
 * Arrival times at a tenth of a second, from a timer instead of Date.now() per request (which costs more than
 * the copy itself): only the merge of several workers' windows orders rows by it.
 */
const TICK_MS = 100
/** From this many rows a request is copied in blocks (TypedArray.set) rather than value by value. */
const BLOCK_ROWS = 16
let coarseNow = Date.now()
let ticking: ReturnType<typeof setInterval> | null = null
function startClock(): void {
  if (ticking !== null) return
  ticking = setInterval(() => {
    coarseNow = Date.now()
  }, TICK_MS)
  ticking.unref?.()
}

/** One process's window of one version, oldest row first, as it travels over IPC (plain arrays). */
export interface WindowSnapshot {
  version: string
  featureNames: readonly string[]
  classes: readonly string[]
  /** Rows ever recorded for this version in this process (the window keeps the last `capacity`). */
  total: number
  /** count * featureNames.length values, row-major. */
  values: number[]
  classIdx: number[]
  /** When each row came in (ms since the epoch, to TICK_MS). */
  times: number[]
}

export class DriftWindow {
  readonly values: Float64Array
  readonly classIdx: Int32Array
  readonly times: Float64Array
  private next = 0
  count = 0
  total = 0

  constructor(
    readonly capacity: number,
    readonly nFeatures: number,
  ) {
    this.values = new Float64Array(capacity * nFeatures)
    this.classIdx = new Int32Array(capacity)
    this.times = new Float64Array(capacity)
    startClock()
  }

  /** The hot path: rows (row-major, nRows * nFeatures) and their predicted class indices. */
  record(rows: Float64Array, nRows: number, classIdx: ArrayLike<number>): void {
    const nF = this.nFeatures
    const cap = this.capacity
    const now = coarseNow
    let slot = this.next
    let i = nRows > cap ? nRows - cap : 0
    if (nRows - i >= BLOCK_ROWS) {
      // Batches: block copies up to the end of the ring, then from its start.
      while (i < nRows) {
        const n = Math.min(nRows - i, cap - slot)
        this.values.set(rows.subarray(i * nF, (i + n) * nF), slot * nF)
        for (let k = 0; k < n; k++) this.classIdx[slot + k] = classIdx[i + k] as number
        this.times.fill(now, slot, slot + n)
        i += n
        slot = slot + n === cap ? 0 : slot + n
      }
    } else {
      for (; i < nRows; i++) {
        const src = i * nF
        const dst = slot * nF
        for (let f = 0; f < nF; f++) this.values[dst + f] = rows[src + f] as number
        this.classIdx[slot] = classIdx[i] as number
        this.times[slot] = now
        slot = slot + 1 === cap ? 0 : slot + 1
      }
    }
    this.next = slot
    this.total += nRows
    this.count = Math.min(cap, this.count + nRows)
  }

  /** The rows held, oldest first. */
  snapshot(version: string, featureNames: readonly string[], classes: readonly string[]): WindowSnapshot {
    const nF = this.nFeatures
    const values: number[] = new Array(this.count * nF)
    const classIdx: number[] = new Array(this.count)
    const times: number[] = new Array(this.count)
    const first = (this.next - this.count + this.capacity) % this.capacity
    for (let k = 0; k < this.count; k++) {
      const slot = (first + k) % this.capacity
      for (let f = 0; f < nF; f++) values[k * nF + f] = this.values[slot * nF + f]!
      classIdx[k] = this.classIdx[slot]!
      times[k] = this.times[slot]!
    }
    return { version, featureNames, classes, total: this.total, values, classIdx, times }
  }
}

interface Entry {
  window: DriftWindow
  featureNames: readonly string[]
  classes: readonly string[]
  reference: ReferenceProfile | null
}

/** How many versions' windows one process keeps (the oldest created is dropped beyond this). */
export const MAX_WINDOWED_VERSIONS = 8

/** Every version's window in this process, made on the version's first prediction. */
export class DriftWindows {
  private readonly byVersion = new Map<string, Entry>()

  constructor(readonly capacity: number) {}

  windowFor(model: PredictionModel): DriftWindow {
    const known = this.byVersion.get(model.version)
    if (known !== undefined && known.featureNames.length === model.nFeatures) return known.window
    const entry: Entry = {
      window: new DriftWindow(this.capacity, model.nFeatures),
      featureNames: model.featureNames,
      classes: model.classes,
      reference: model.reference ?? null,
    }
    this.byVersion.set(model.version, entry)
    if (this.byVersion.size > MAX_WINDOWED_VERSIONS) {
      this.byVersion.delete(this.byVersion.keys().next().value as string)
    }
    return entry.window
  }

  /** The reference profile a version was loaded with (null: none, undefined: version never predicted here). */
  referenceOf(version: string): ReferenceProfile | null | undefined {
    return this.byVersion.get(version)?.reference
  }

  snapshots(): WindowSnapshot[] {
    return [...this.byVersion].map(([version, e]) => e.window.snapshot(version, e.featureNames, e.classes))
  }
}
