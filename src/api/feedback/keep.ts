/**
 * POST /feedback's accepted rows kept for retraining: appended (through the process's sink, ./sink.ts) to the
 * served registry name's feedback.csv, header = stable's feature names + its training target column. Nothing
 * is kept in MODEL_PATH mode (no registry). A failed append is logged, the answer still counts the rows.
 */
import { feedbackLines, targetColumnOf } from '../../model/registry/feedback-file.js'
import type { PredictionModel } from '../../model/types.js'
import type { ApiContext } from '../context.js'
import { feedbackSink } from './sink.js'

export async function keepFeedback(
  ctx: ApiContext,
  stable: PredictionModel,
  rows: Float64Array,
  nRows: number,
  truth: Int32Array,
): Promise<void> {
  const target = ctx.registry
  if (target === null || nRows === 0) return
  const labels = Array.from(truth, (k) => stable.classes[k] ?? '')
  const header = [...stable.featureNames, targetColumnOf(stable.metadata)]
  try {
    const nameDir = target.registry.nameDir(target.name)
    await feedbackSink()(nameDir, header, feedbackLines(rows, nRows, stable.nFeatures, labels))
  } catch (err) {
    ctx.logger.error({ err, rows: nRows }, 'Feedback rows were not kept for retraining')
  }
}
