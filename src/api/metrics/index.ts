/**
 * The API's Prometheus metrics, one Registry per app (tests build many apps in one process).
 * Hot-path series use the preallocated children of ./labelled.ts; gauges are filled at scrape time by
 * collect() callbacks, so the request path only bumps plain numbers.
 * In a cluster each worker keeps its own registry; the primary aggregates them (see src/server/).
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { PredictionModel } from '../../model/types.js'
import { type DriftWindow, DriftWindows } from '../drift/window.js'
import { type CounterChild, type HistogramChild, LabelledCounter, LabelledHistogram } from './labelled.js'

export { type CounterChild, type HistogramChild, LabelledCounter, LabelledHistogram } from './labelled.js'

const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const ROW_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000]
/** Centimetres: half-centimetre resolution over the range of iris measurements, coarse beyond. */
const FEATURE_BUCKETS = [...Array.from({ length: 17 }, (_, i) => i / 2), 10, 15, 20, 50, 100]

const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]

/** Per-model children, built once per model (features and classes never change within a model). */
export interface ModelSeries {
  readonly featureNames: readonly string[]
  readonly classes: readonly string[]
  readonly features: readonly HistogramChild[]
  readonly predictions: readonly CounterChild[]
  /** This version's live drift window in this process (src/api/drift/window.ts). */
  readonly drift: DriftWindow
}

export interface ApiMetricsOptions {
  /** Node/process default metrics (event loop lag, heap, GC, CPU...); default true. */
  defaultMetrics?: boolean
  /** Returns the model being served, for iris_model_info at scrape time. */
  currentModel?: () => PredictionModel | null
  /** Rows kept per model version for drift detection (DRIFT_WINDOW_ROWS); default 500. */
  driftWindowRows?: number
}

export class ApiMetrics {
  readonly registry = new Registry()
  readonly requestDuration: LabelledHistogram
  readonly rows: LabelledHistogram
  readonly featureValues: LabelledHistogram
  readonly predictions: LabelledCounter
  /** Requests received and not yet answered (incremented at arrival, decremented when recorded). */
  inFlight = 0
  private readonly series = new WeakMap<PredictionModel, ModelSeries>()
  /** Every served version's drift window in this process; statistics are computed elsewhere, off the hot path. */
  readonly drift: DriftWindows

  constructor(options: ApiMetricsOptions = {}) {
    this.drift = new DriftWindows(options.driftWindowRows ?? 500)
    const reg = this.registry
    this.requestDuration = new LabelledHistogram(
      'http_request_duration_seconds',
      'Time from request arrival to response, by route pattern, method and status code',
      ['route', 'method', 'status_code'],
      DURATION_BUCKETS,
    ).register(reg)
    this.rows = new LabelledHistogram(
      'iris_prediction_rows',
      'Rows per prediction request',
      ['route'],
      ROW_BUCKETS,
    ).register(reg)
    this.featureValues = new LabelledHistogram(
      'iris_input_feature_value',
      'Input feature values received for prediction (watch for drift), by feature',
      ['feature'],
      FEATURE_BUCKETS,
    ).register(reg)
    this.predictions = new LabelledCounter(
      'iris_predictions_total',
      'Predicted rows by class and the model version that predicted them',
      ['class', 'version'],
    ).register(reg)
    const self = this
    new Gauge({
      name: 'http_requests_in_flight',
      help: 'Requests received and not yet answered',
      registers: [reg],
      collect() {
        this.set(self.inFlight)
      },
    })
    const currentModel = options.currentModel ?? (() => null)
    new Gauge({
      name: 'iris_model_info',
      help: 'The model being served (value 1), by name and version',
      labelNames: ['name', 'version'],
      registers: [reg],
      aggregator: 'max',
      collect() {
        this.reset()
        const model = currentModel()
        if (model !== null) this.set({ name: model.name, version: model.version }, 1)
      },
    })
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: reg })
      // Gauges named *_total fail `promtool check metrics`; each is the sum of a by-type gauge kept alongside.
      for (const name of MISNAMED_DEFAULTS) reg.removeSingleMetric(name)
    }
  }

  /** The children for this model's features and classes (cached per model). */
  seriesFor(model: PredictionModel): ModelSeries {
    let s = this.series.get(model)
    if (s === undefined || s.featureNames !== model.featureNames || s.classes !== model.classes) {
      s = {
        featureNames: model.featureNames,
        classes: model.classes,
        features: model.featureNames.map((f) => this.featureValues.child(f)),
        predictions: model.classes.map((c) => this.predictions.child(c, model.version)),
        drift: this.drift.windowFor(model),
      }
      this.series.set(model, s)
    }
    return s
  }

  /** Record one prediction request: rows per request, every input value, predicted classes. */
  observePrediction(
    series: ModelSeries,
    rowsChild: HistogramChild,
    rows: Float64Array,
    nRows: number,
    classIdx: ArrayLike<number>,
  ): void {
    rowsChild.observe(nRows)
    series.drift.record(rows, nRows, classIdx)
    const nF = series.features.length
    for (let j = 0; j < nF; j++) (series.features[j] as HistogramChild).observeColumn(rows, nRows, nF, j)
    const preds = series.predictions
    if (nRows === 1) {
      ;(preds[classIdx[0] as number] as CounterChild).value++
      return
    }
    const counts = new Uint32Array(preds.length)
    for (let i = 0; i < nRows; i++) (counts as unknown as number[])[classIdx[i] as number]++
    for (let c = 0; c < preds.length; c++) if (counts[c] !== 0) (preds[c] as CounterChild).inc(counts[c])
  }

  get contentType(): string {
    return this.registry.contentType
  }

  /** This process's metrics in Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics()
  }
}
