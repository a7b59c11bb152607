/**
 * Drift for the process that evaluates it (the only process with WORKERS=1, else the cluster primary):
 * the monitor over some source of windows, its gauges in a registry, the webhook, and the timer that
 * checks every DRIFT_CHECK_S when a webhook is configured (a scrape or GET /drift checks too).
 */
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { registerDriftMetrics } from './metrics.js'
import { type Collected, DriftMonitor } from './monitor.js'
import type { DriftReport } from './report.js'
import { DriftWebhook, driftEvent } from './webhook.js'

export interface DriftSettings {
  DRIFT_WINDOW_ROWS: number
  DRIFT_MIN_ROWS: number
  DRIFT_CHECK_S: number
  DRIFT_WEBHOOK_URL: string
  DRIFT_WEBHOOK_TIMEOUT_MS: number
  DRIFT_WEBHOOK_RETRIES: number
}

/** Wait before the first webhook retry (doubles after each). */
export const WEBHOOK_BACKOFF_MS = 500

export class DriftService {
  readonly monitor: DriftMonitor
  readonly webhook: DriftWebhook | null
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly settings: DriftSettings,
    collect: () => Promise<Collected>,
    private readonly logger: Logger,
    registry: Registry,
    backoffMs = WEBHOOK_BACKOFF_MS,
  ) {
    let count: ((what: 'try' | 'event', outcome: string) => void) | undefined
    const webhook =
      settings.DRIFT_WEBHOOK_URL === ''
        ? null
        : new DriftWebhook({
            url: settings.DRIFT_WEBHOOK_URL,
            timeoutMs: settings.DRIFT_WEBHOOK_TIMEOUT_MS,
            retries: settings.DRIFT_WEBHOOK_RETRIES,
            backoffMs,
            logger,
            count: (what, outcome) => count?.(what, outcome),
          })
    this.webhook = webhook
    this.monitor = new DriftMonitor({
      capacity: settings.DRIFT_WINDOW_ROWS,
      minRows: settings.DRIFT_MIN_ROWS,
      collect,
      onDriftStarted: (report) => this.started(report),
    })
    count = registerDriftMetrics(registry, this.monitor)
  }

  private started(report: DriftReport): void {
    this.logger.warn(
      {
        model_version: report.model_version,
        window_rows: report.window_rows,
        drifting: Object.keys(report.features).filter((k) => report.features[k]!.drift),
      },
      `Data drift detected: ${report.message}`,
    )
    this.webhook?.send(driftEvent(report))
  }

  /** Starts the periodic check (only when a webhook is configured: otherwise nothing needs to react). */
  start(): void {
    if (this.webhook === null || this.timer !== null) return
    this.timer = setInterval(() => {
      this.monitor.reports().catch((err: unknown) => this.logger.error({ err }, 'Drift check failed'))
    }, this.settings.DRIFT_CHECK_S * 1000)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }
}
