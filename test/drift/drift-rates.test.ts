/**
 * The detector's error rates with a fixed seed, against the committed model's reference profile:
 * in-distribution windows (rows resampled from data/iris.csv) fire in at most 5 % of 200 windows;
 * shifted windows (petal length + 1.0 cm, or one species only) are detected in every window.
 */
import { describe, expect, it } from 'vitest'
import { mergeWindows } from '../../src/api/drift/merge.js'
import { driftReport } from '../../src/api/drift/report.js'
import { DriftWindow } from '../../src/api/drift/window.js'
import { Random } from '../../src/ml/random.js'
import { loadModel } from '../../src/model/load-model.js'
import { COMMITTED_MODEL } from '../api/helper.js'
import { resample, shift, species } from './traffic.js'

const WINDOW = 500
const model = await loadModel(COMMITTED_MODEL)
const reference = model.reference!

/** The report for one window of `rows`, predicted by the committed model. */
function judge(rows: number[][]) {
  const flat = Float64Array.from(rows.flat())
  const idx = model.predictIndices(flat, rows.length)
  const w = new DriftWindow(WINDOW, model.nFeatures)
  w.record(flat, rows.length, idx)
  const merged = mergeWindows(
    [w.snapshot(model.version, model.featureNames, model.classes)],
    model.version,
    WINDOW,
  )!
  return driftReport(merged, reference, 100)
}

describe('drift detector error rates (seed 20261130)', () => {
  it('the committed model carries a reference of its 120 training rows', () => {
    expect(reference.rows).toBe(120)
    expect(reference.classPriors).toEqual([1 / 3, 1 / 3, 1 / 3])
  })

  it('in-distribution traffic fires in at most 5 % of 200 windows', () => {
    const rng = new Random(20261130)
    let fired = 0
    let predictionFired = 0
    for (let i = 0; i < 200; i++) {
      const r = judge(resample(rng, WINDOW))
      if (r.dataset_drift) fired++
      if (r.prediction!.drift) predictionFired++
    }
    console.info(
      `drift: in-distribution dataset flag ${fired}/200 windows, prediction flag ${predictionFired}/200`,
    )
    expect(fired).toBeLessThanOrEqual(10)
  })

  it('petal length + 1.0 cm is detected in every one of 50 windows', () => {
    const rng = new Random(7)
    let detected = 0
    for (let i = 0; i < 50; i++) if (judge(shift(resample(rng, WINDOW), 2, 1.0)).dataset_drift) detected++
    expect(detected).toBe(50)
  })

  it.each(['setosa', 'versicolor', 'virginica'])(
    'only %s arriving is detected in every one of 20 windows',
    (name) => {
      const rng = new Random(11)
      for (let i = 0; i < 20; i++) {
        const r = judge(resample(rng, WINDOW, species(name)))
        expect(r.dataset_drift).toBe(true)
        expect(r.prediction!.drift).toBe(true)
      }
    },
  )
})
