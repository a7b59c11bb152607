/**
 * Parity with scikit-learn: forests trained by scikit-learn (scripts/sklearn_parity_fixture.py), exported
 * by scripts/export_sklearn.py and served by our loader must give scikit-learn's predict_proba to 1e-12 and
 * its labels exactly, on 100,000 random rows (inside and beyond the training range), the training rows,
 * and rows on split thresholds and one float32/float64 step either side of them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ForestModel, loadModel } from '../../src/model/load-model.js'
import {
  EXPORTER,
  FIXTURE,
  float64s,
  int32s,
  runPythonOk,
  SKIP_SKLEARN,
  SKLEARN_MISSING_REASON,
} from './python.js'

const TOLERANCE = 1e-12

interface FixtureModel {
  name: string
  model_type: string
  n_features: number
  n_classes: number
  classes: string[]
  n_estimators: number
  n_rows: number
  row_counts: { random: number; training: number; threshold: number }
  feature_names_flag: string | null
  feature_importances: number[]
}

// The fixture's models (kept in step with model_specs() there, so a dropped model fails here).
const MODELS = [
  'iris_rf',
  'iris_rf_nobootstrap_depth4_allfeatures',
  'iris_rf_weighted',
  'iris_extratrees',
  'iris_decisiontree',
  'synthetic_rf',
  'synthetic_extratrees',
  'synthetic_decisiontree',
]

if (SKIP_SKLEARN) console.warn(`skipping scikit-learn tests: ${SKLEARN_MISSING_REASON}`)

describe.skipIf(SKIP_SKLEARN)('scikit-learn parity', () => {
  let dir: string
  const specs = new Map<string, FixtureModel>()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sklearn-parity-'))
    await runPythonOk([FIXTURE, '--out', dir, '--random-rows', '100000'], 240_000)
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      models: FixtureModel[]
    }
    for (const m of manifest.models) specs.set(m.name, m)
    // Export through the real command line, two at a time.
    const queue = [...manifest.models]
    const worker = async () => {
      for (let m = queue.shift(); m; m = queue.shift()) {
        const flags = m.feature_names_flag ? ['--feature-names', m.feature_names_flag] : []
        await runPythonOk([
          EXPORTER,
          join(dir, `${m.name}.joblib`),
          '--out',
          join(dir, 'exported'),
          '--name',
          m.name,
          ...flags,
        ])
      }
    }
    await Promise.all([worker(), worker()])
  }, 300_000)
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('the fixture trained every model', () => {
    expect([...specs.keys()]).toEqual(MODELS)
  })

  it.each(MODELS)('%s: same probabilities (<= 1e-12) and labels as scikit-learn', async (name) => {
    const spec = specs.get(name)!
    const model: ForestModel = await loadModel(join(dir, 'exported', `${name}.json`))
    expect(model.modelType).toBe(spec.model_type)
    expect(model.forest.trees.length).toBe(spec.n_estimators)
    expect([...model.classes]).toEqual(spec.classes)
    expect([...model.featureNames]).toEqual(
      spec.feature_names_flag?.split(',') ?? Array.from({ length: spec.n_features }, (_, i) => `x${i}`),
    )
    // Importances travel through the metadata file unchanged (float64 repr round-trips).
    expect(Object.values(model.metadata.feature_importance)).toEqual(spec.feature_importances)

    const rows = float64s(await readFile(join(dir, `${name}.rows.f64`)))
    const want = float64s(await readFile(join(dir, `${name}.proba.f64`)))
    const wantLabels = int32s(await readFile(join(dir, `${name}.labels.i32`)))
    const nRows = spec.n_rows
    expect(rows.length).toBe(nRows * spec.n_features)
    expect(spec.row_counts.random).toBe(100_000)
    expect(spec.row_counts.threshold).toBeGreaterThan(0)

    const got = model.predictProba(rows, nRows)
    expect(got.length).toBe(want.length)
    let maxDiff = 0
    let worst = -1
    let bitExact = 0
    for (let i = 0; i < got.length; i++) {
      const d = Math.abs(got[i]! - want[i]!)
      if (d > maxDiff) [maxDiff, worst] = [d, i]
      if (got[i] === want[i]) bitExact++
    }
    const labels = model.predictIndices(rows, nRows)
    let labelMismatches = 0
    let firstMismatch = -1
    for (let r = 0; r < nRows; r++) {
      if (labels[r] !== wantLabels[r]) {
        labelMismatches++
        if (firstMismatch < 0) firstMismatch = r
      }
    }
    console.info(
      `parity ${name}: ${nRows} rows (${spec.row_counts.random} random, ${spec.row_counts.training} training, ` +
        `${spec.row_counts.threshold} on thresholds), max |diff| ${maxDiff.toExponential(2)}, ` +
        `${((100 * bitExact) / got.length).toFixed(2)}% bit-identical, ${labelMismatches} label mismatches`,
    )
    const where =
      worst < 0 ? '' : ` (row ${Math.floor(worst / spec.n_classes)}, class ${worst % spec.n_classes})`
    expect(maxDiff, `max |ours - sklearn|${where}`).toBeLessThanOrEqual(TOLERANCE)
    expect(labelMismatches, `first label mismatch at row ${firstMismatch}`).toBe(0)
  })
})
