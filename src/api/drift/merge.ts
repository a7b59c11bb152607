import type { MergedWindow } from './report.js'
import type { WindowSnapshot } from './window.js'

/**
 * One version's window for the whole instance: the rows of every process's snapshot of that version,
 * the `capacity` most recent by arrival time (ties keep process order), oldest first.
 */
export function mergeWindows(
  snapshots: readonly WindowSnapshot[],
  version: string,
  capacity: number,
): MergedWindow | null {
  const parts = snapshots.filter((s) => s.version === version)
  if (parts.length === 0) return null
  const { featureNames, classes } = parts[0]!
  const nF = featureNames.length
  const usable = parts.filter((p) => p.featureNames.length === nF && p.classes.length === classes.length)
  const order: [part: number, row: number, time: number][] = []
  usable.forEach((p, i) => {
    for (let r = 0; r < p.times.length; r++) order.push([i, r, p.times[r]!])
  })
  order.sort((a, b) => a[2] - b[2])
  const kept = order.slice(Math.max(0, order.length - capacity))
  const values = new Float64Array(kept.length * nF)
  const classIdx = new Int32Array(kept.length)
  kept.forEach(([i, r], k) => {
    const p = usable[i]!
    for (let f = 0; f < nF; f++) values[k * nF + f] = p.values[r * nF + f]!
    classIdx[k] = p.classIdx[r]!
  })
  return { version, featureNames, classes, values, classIdx, count: kept.length }
}

/** Rows ever recorded for a version, summed over the processes that still report it. */
export function totalRows(snapshots: readonly WindowSnapshot[], version: string): number {
  return snapshots.filter((s) => s.version === version).reduce((a, s) => a + s.total, 0)
}
