/**
 * Drift for one instance, computed off the request path: it gathers the windows (this process's, or every
 * cluster worker's through the primary), merges each version's rows, compares them with the version's
 * reference and watches the dataset flag. When the flag turns on it calls `onDriftStarted` once; it calls it
 * again only after the flag has turned off and on again, and never twice within one window of new rows.
 */
import type { ReferenceProfile } from '../../model/reference-profile.js'
import { mergeWindows, totalRows } from './merge.js'
import { type DriftReport, driftReport } from './report.js'
import type { WindowSnapshot } from './window.js'

export interface Collected {
  snapshots: WindowSnapshot[]
  /** The reference each version was loaded with (null: none). */
  referenceOf: (version: string) => ReferenceProfile | null | undefined
}

export interface DriftMonitorOptions {
  /** DRIFT_WINDOW_ROWS: rows per version window, instance-wide. */
  capacity: number
  /** DRIFT_MIN_ROWS: no verdict below this many rows. */
  minRows: number
  collect: () => Promise<Collected>
  onDriftStarted?: (report: DriftReport) => void
}

interface FlagState {
  drifting: boolean
  /** The flag turned on and no event was sent for it yet. */
  pending: boolean
  /** Total rows of the version when the last event was sent. */
  firedAt: number | null
}

export class DriftMonitor {
  private readonly flags = new Map<string, FlagState>()

  constructor(private readonly options: DriftMonitorOptions) {}

  /** Every windowed version's report (the flag watch runs for each). */
  async reports(): Promise<DriftReport[]> {
    const collected = await this.options.collect()
    const versions = [...new Set(collected.snapshots.map((s) => s.version))]
    return versions.map((v) => this.evaluate(collected, v)!).filter((r) => r !== null)
  }

  /** One version's report; null when that version has predicted nothing yet. */
  async report(version: string): Promise<DriftReport | null> {
    return this.evaluate(await this.options.collect(), version)
  }

  private evaluate(collected: Collected, version: string): DriftReport | null {
    const merged = mergeWindows(collected.snapshots, version, this.options.capacity)
    if (merged === null) return null
    const reference = collected.referenceOf(version) ?? null
    const report = driftReport(merged, reference, this.options.minRows)
    this.watch(report, totalRows(collected.snapshots, version))
    return report
  }

  private watch(report: DriftReport, total: number): void {
    if (report.status !== 'ok') return
    let s = this.flags.get(report.model_version)
    if (s === undefined) {
      s = { drifting: false, pending: false, firedAt: null }
      this.flags.set(report.model_version, s)
    }
    if (!report.dataset_drift) {
      s.drifting = false
      s.pending = false
      return
    }
    if (!s.drifting) {
      s.drifting = true
      s.pending = true
    }
    if (s.pending && (s.firedAt === null || total - s.firedAt >= this.options.capacity)) {
      s.pending = false
      s.firedAt = total
      this.options.onDriftStarted?.(report)
    }
  }
}
