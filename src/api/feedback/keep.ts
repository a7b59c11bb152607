/**
 * POST /feedback's accepted rows kept for retraining: appended (through the process's sink, ./sink.ts) to the
 * served registry name's feedback.csv, header = stable's feature names + its training target column. Nothing
 * is kept in MODEL_PATH mode (no registry). A failed append is logged, the answer still counts the rows.
 * The per-version counts are added to the name's online.json under the registry lock (a read-add-write that
 * workers and pods sharing the folder serialise), which `iris models list` and GET /models show as online
 * accuracy so far.
 */
import { feedbackLines, targetColumnOf } from '../../model/registry/feedback-file.js'
import { readOnline, writeOnline } from '../../model/registry/index.js'
import { withLock } from '../../model/registry/lock.js'
import type { PredictionModel } from '../../model/types.js'
import type { ApiContext } from '../context.js'
import { feedbackSink } from './sink.js'

export async function keepFeedback(
  ctx: ApiContext,
  stable: PredictionModel,
  rows: Float64Array,
  nRows: number,
  truth: Int32Array,
  versions: Readonly<Record<string, { correct: number }>> = {},
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
  try {
    await addOnlineCounts(target.registry.nameDir(target.name), nRows, versions)
  } catch (err) {
    ctx.logger.error({ err, rows: nRows }, 'Online accuracy counts were not updated')
  }
}

/** Adds `nRows` labelled rows and each version's correct count to `<nameDir>/online.json`, under the lock. */
export async function addOnlineCounts(
  nameDir: string,
  nRows: number,
  versions: Readonly<Record<string, { correct: number }>>,
): Promise<void> {
  if (Object.keys(versions).length === 0) return
  await withLock(nameDir, async () => {
    const totals = { ...((await readOnline(nameDir))?.versions ?? {}) }
    for (const [v, { correct }] of Object.entries(versions)) {
      const t = totals[v] ?? { rows: 0, correct: 0 }
      totals[v] = { rows: t.rows + nRows, correct: t.correct + correct }
    }
    await writeOnline(nameDir, totals)
  })
}
