/**
 * Streamed predictions counted by rows, not requests: `iris_stream_rows_total` (rows answered, by route and
 * format) and `iris_stream_faults_total` (streams stopped, by reason). Rows also count in
 * iris_predictions_total and iris_input_feature_value like any prediction; iris_prediction_rows gets one
 * observation per stream, its total rows.
 */

import type { ApiMetrics } from '../metrics/index.js'
import { type CounterChild, LabelledCounter } from '../metrics/labelled.js'

export interface StreamCounters {
  rows: CounterChild
  fault(reason: 'bad-input' | 'timeout' | 'disconnect'): void
}

const byMetrics = new WeakMap<ApiMetrics, { rows: LabelledCounter; faults: LabelledCounter }>()

export function streamCounters(metrics: ApiMetrics, route: string, format: string): StreamCounters {
  let m = byMetrics.get(metrics)
  if (m === undefined) {
    m = {
      rows: new LabelledCounter('iris_stream_rows_total', 'Rows answered by streamed predictions', [
        'route',
        'format',
      ]).register(metrics.registry),
      faults: new LabelledCounter(
        'iris_stream_faults_total',
        'Streamed predictions stopped early, by reason',
        ['route', 'reason'],
      ).register(metrics.registry),
    }
    byMetrics.set(metrics, m)
  }
  const faults = m.faults
  return {
    rows: m.rows.child(route, format),
    fault: (reason) => faults.child(route, reason).inc(1),
  }
}
