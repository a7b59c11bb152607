/**
 * The drift gauges, filled at scrape time from the monitor (one evaluation per scrape, shared by every
 * gauge), and the webhook counters. Registered in the process that evaluates drift: the only process, or
 * the cluster primary (its text is appended to the workers' aggregate), never in each worker (a p-value
 * summed over workers would mean nothing).
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { DriftMonitor } from './monitor.js'
import type { DriftReport } from './report.js'

/** A scrape's gauges share one evaluation made within this many milliseconds. */
const SHARE_MS = 1000

type Fill = (g: Gauge, r: DriftReport) => void

export function registerDriftMetrics(
  registry: Registry,
  monitor: DriftMonitor,
): (what: 'try' | 'event', outcome: string) => void {
  let cached: { at: number; reports: Promise<DriftReport[]> } | null = null
  const latest = (): Promise<DriftReport[]> => {
    const now = Date.now()
    if (cached === null || now - cached.at > SHARE_MS) cached = { at: now, reports: monitor.reports() }
    return cached.reports
  }
  const gauge = (name: string, help: string, labelNames: string[], fill: Fill) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const reports = await latest()
        this.reset()
        for (const r of reports) fill(this, r)
      },
    })
  const judged =
    (fill: Fill): Fill =>
    (g, r) => {
      if (r.status === 'ok') fill(g, r)
    }
  const perFeature = (key: 'p_value' | 'psi' | 'ks_statistic'): Fill =>
    judged((g, r) => {
      for (const [feature, f] of Object.entries(r.features))
        g.set({ feature, version: r.model_version }, f[key])
    })

  gauge(
    'iris_drift_detected',
    'Dataset-level drift of the live window against the reference (1) or not (0), by model version',
    ['version'],
    judged((g, r) => g.set({ version: r.model_version }, r.dataset_drift ? 1 : 0)),
  )
  gauge(
    'iris_feature_drift_p_value',
    'Two-sample K-S p-value of the live window against the reference, by feature and model version',
    ['feature', 'version'],
    perFeature('p_value'),
  )
  gauge(
    'iris_feature_drift_psi',
    'Population stability index over the reference deciles, by feature and model version',
    ['feature', 'version'],
    perFeature('psi'),
  )
  gauge(
    'iris_feature_drift_ks_statistic',
    'Two-sample K-S statistic (largest gap between the two CDFs), by feature and model version',
    ['feature', 'version'],
    perFeature('ks_statistic'),
  )
  gauge(
    'iris_prediction_drift_p_value',
    'Chi-squared p-value of the predicted class mix against the training priors, by model version',
    ['version'],
    judged((g, r) => {
      if (r.prediction !== null) g.set({ version: r.model_version }, r.prediction.p_value)
    }),
  )
  gauge('iris_drift_window_rows', 'Rows in the live drift window, by model version', ['version'], (g, r) =>
    g.set({ version: r.model_version }, r.window_rows),
  )
  gauge(
    'iris_drift_reference_present',
    'Whether the model version has a reference profile to measure drift against (1) or not (0)',
    ['version'],
    (g, r) => g.set({ version: r.model_version }, r.status === 'no_reference' ? 0 : 1),
  )
  const tries = new Counter({
    name: 'iris_drift_webhook_tries_total',
    help: 'Drift webhook POSTs by outcome (ok, failed)',
    labelNames: ['outcome'],
    registers: [registry],
  })
  const events = new Counter({
    name: 'iris_drift_events_total',
    help: 'Drift events by outcome (delivered, or undelivered after every retry)',
    labelNames: ['outcome'],
    registers: [registry],
  })
  for (const outcome of ['ok', 'failed']) tries.inc({ outcome }, 0)
  for (const outcome of ['delivered', 'undelivered']) events.inc({ outcome }, 0)
  return (what, outcome) => (what === 'try' ? tries : events).inc({ outcome })
}
