/** What every chaos scenario is given: the run's settings and where it reports. */
export interface ChaosSettings {
  /** Seconds of saturation load. */
  durationS: number
  /** Seconds of load around each fault (half before, half after). */
  phaseS: number
  connections: number
  /** SHUTDOWN_GRACE_S given to the server. */
  graceS: number
}

/** The JSON summary (one key per scenario) and the failed pass criteria. */
export class ChaosReport {
  readonly summary: Record<string, unknown> = {}
  readonly failures: string[] = []

  check(ok: boolean, what: string): void {
    if (!ok) this.failures.push(what)
  }
}

/** One-row /predict body, the load of every scenario but reload. */
export const ROW = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
