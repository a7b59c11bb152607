/**
 * The drift trigger: a CloudEvents 1.0 event in structured mode (one JSON document, content type
 * application/cloudevents+json) POSTed to DRIFT_WEBHOOK_URL. Sent in the background with a timeout per
 * try and retries with doubling back-off; the caller never waits. Every failed try is a log line and a
 * counter; an event that exhausts its tries is logged as an error with its id and statistics, so nothing
 * is lost silently.
 */
import type { Logger } from 'pino'
import type { DriftReport } from './report.js'

export const DRIFT_EVENT_TYPE = 'io.iris.drift.detected'
export const DRIFT_EVENT_SOURCE = '/iris-prediction-service/drift'

export interface CloudEvent {
  specversion: '1.0'
  type: string
  source: string
  id: string
  time: string
  subject: string
  datacontenttype: 'application/json'
  data: DriftReport
}

export function driftEvent(report: DriftReport, now: Date = new Date()): CloudEvent {
  return {
    specversion: '1.0',
    type: DRIFT_EVENT_TYPE,
    source: DRIFT_EVENT_SOURCE,
    id: crypto.randomUUID(),
    time: now.toISOString(),
    subject: report.model_version,
    datacontenttype: 'application/json',
    data: report,
  }
}

export interface WebhookOptions {
  url: string
  timeoutMs: number
  /** Tries after the first. */
  retries: number
  /** Wait before the first retry; doubles after each. */
  backoffMs: number
  logger: Logger
  /** Counts each try by outcome ('ok' | 'failed') and each event by outcome ('delivered' | 'undelivered'). */
  count?: (what: 'try' | 'event', outcome: string) => void
}

export class DriftWebhook {
  private inFlight = new Set<Promise<void>>()

  constructor(private readonly options: WebhookOptions) {}

  /** Starts delivering in the background; returns at once. */
  send(event: CloudEvent): void {
    const p = this.deliver(event).finally(() => this.inFlight.delete(p))
    this.inFlight.add(p)
  }

  /** Resolves when every event sent so far is delivered or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight])
  }

  private async deliver(event: CloudEvent): Promise<void> {
    const { url, timeoutMs, retries, backoffMs, logger, count } = this.options
    const body = JSON.stringify(event)
    const tries = retries + 1
    for (let attempt = 1; attempt <= tries; attempt++) {
      let fault: string
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        })
        await res.body?.cancel().catch(() => undefined)
        if (res.ok) {
          count?.('try', 'ok')
          count?.('event', 'delivered')
          logger.info(
            { event_id: event.id, model_version: event.subject, attempt, status: res.status },
            'Drift event delivered',
          )
          return
        }
        fault = `HTTP ${res.status}`
      } catch (err) {
        const e = err as Error
        fault =
          e.name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : `${e.name}: ${e.message}`.slice(0, 200)
      }
      count?.('try', 'failed')
      logger.warn(
        { event_id: event.id, model_version: event.subject, attempt, of: tries, fault },
        'Drift webhook try failed',
      )
      if (attempt < tries) await sleep(backoffMs * 2 ** (attempt - 1))
    }
    count?.('event', 'undelivered')
    logger.error(
      {
        event_id: event.id,
        model_version: event.subject,
        tries,
        event: { ...event, data: summary(event.data) },
      },
      'Drift event not delivered: every try failed',
    )
  }
}

function summary(report: DriftReport) {
  return {
    dataset_drift: report.dataset_drift,
    window_rows: report.window_rows,
    p_values: Object.fromEntries(Object.entries(report.features).map(([k, v]) => [k, v.p_value])),
    prediction_p_value: report.prediction?.p_value ?? null,
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
