/**
 * TreeSHAP on forests trained by scikit-learn (scripts/sklearn_parity_fixture.py), exported by
 * scripts/export_sklearn.py and loaded by our loader: the covers are scikit-learn's weighted_n_node_samples
 * (bootstrap counts, class weights, max_samples). Exact against brute force, and locally accurate against
 * the served predictProba (itself equal to scikit-learn's to 1e-12, test/sklearn/parity.test.ts).
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
  runPythonOk,
  SKIP_SKLEARN,
  SKLEARN_MISSING_REASON,
} from '../sklearn/python.js'
import { compareWithBruteForce } from './compare.js'

// name -> [rows compared with brute force, rows checked for local accuracy]. Kept small: brute force
// visits every node 2^M times per row, and the 12-feature, 9-class forest has large, deep trees.
const MODELS: [string, number, number][] = [
  ['iris_rf', 40, 1000],
  ['iris_rf_weighted', 40, 1000],
  ['iris_extratrees', 40, 1000],
  ['iris_decisiontree', 150, 1000],
  ['synthetic_decisiontree', 10, 1000],
  ['synthetic_rf', 0, 200],
]

if (SKIP_SKLEARN) console.warn(`skipping scikit-learn TreeSHAP tests: ${SKLEARN_MISSING_REASON}`)

describe.skipIf(SKIP_SKLEARN)('TreeSHAP on scikit-learn forests', () => {
  let dir: string
  const nRowsOf = new Map<string, number>()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'treeshap-sklearn-'))
    const only = MODELS.map(([name]) => name).join(',')
    await runPythonOk([FIXTURE, '--out', dir, '--random-rows', '300', '--only', only], 240_000)
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      models: { name: string; n_rows: number; feature_names_flag: string | null }[]
    }
    for (const m of manifest.models) {
      nRowsOf.set(m.name, m.n_rows)
      const flags = m.feature_names_flag ? ['--feature-names', m.feature_names_flag] : []
      await runPythonOk([
        EXPORTER,
        join(dir, `${m.name}.joblib`),
        '--out',
        dir,
        '--name',
        `${m.name}.export`,
        ...flags,
      ])
    }
  }, 300_000)
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it.each(MODELS)(
    '%s: brute force on %i rows, local accuracy on up to %i',
    async (name, bruteRows, localRows) => {
      const model: ForestModel = await loadModel(join(dir, `${name}.export.json`))
      const nRows = Math.min(localRows, nRowsOf.get(name)!)
      const rows = float64s(await readFile(join(dir, `${name}.rows.f64`)))
      const { nFeatures: m, nClasses: k } = model
      const d =
        bruteRows > 0 ? compareWithBruteForce(model.forest, rows.subarray(0, bruteRows * m), bruteRows) : null

      const { expectedValue, contributions } = model.explain(rows.subarray(0, nRows * m), nRows)
      const proba = model.predictProba(rows.subarray(0, nRows * m), nRows)
      let worst = 0
      for (let r = 0; r < nRows; r++) {
        for (let c = 0; c < k; c++) {
          let sum = expectedValue[c]!
          for (let f = 0; f < m; f++) sum += contributions[(r * k + c) * m + f]!
          worst = Math.max(worst, Math.abs(sum - proba[r * k + c]!))
        }
      }
      console.info(
        `${name}: max |error| vs brute force ${d?.vsBruteForce.toExponential(2) ?? '-'} (${bruteRows} rows), ` +
          `local accuracy ${worst.toExponential(2)} (${nRows} rows)`,
      )
      expect(worst).toBeLessThanOrEqual(1e-9)
    },
  )
})
