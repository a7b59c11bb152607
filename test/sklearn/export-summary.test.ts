/**
 * A model exported from scikit-learn (scripts/export_sklearn.py) comes without a summary of its training
 * data: the loader derives one from the trees (`basis: "split-thresholds"`), which the web page ranges
 * its inputs from and says so (e2e/ui-any-model.test.ts). Here: the derived ranges sit inside the data.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseLabelledCsv } from '../../src/data/csv.js'
import { loadArtifact } from '../../src/model/artifact.js'
import type { TrainingSummary } from '../../src/model/training-summary.js'
import { EXPORTER, ROOT, runPythonOk, SKIP_SKLEARN } from './python.js'

const WINE = resolve(ROOT, 'test/fixtures/data/wine.csv')
const FIT = `
import sys, csv, joblib, numpy as np
from sklearn.ensemble import RandomForestClassifier
rows = list(csv.reader(open(sys.argv[1])))
X = np.array([[float(v) for v in r[:-1]] for r in rows[1:]])
y = np.array([r[-1] for r in rows[1:]])
joblib.dump(RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y), sys.argv[2])
`

describe.skipIf(SKIP_SKLEARN)('export_sklearn.py: a model without a training summary', () => {
  let dir: string
  const data = parseLabelledCsv(readFileSync(WINE, 'utf8'), { source: WINE })
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-summary-'))
    await writeFile(join(dir, 'fit.py'), FIT)
    await runPythonOk([join(dir, 'fit.py'), WINE, join(dir, 'rf.joblib')])
    await runPythonOk([
      EXPORTER,
      join(dir, 'rf.joblib'),
      '--out',
      dir,
      '--name',
      'wine',
      '--feature-names',
      data.featureNames.join(','),
    ])
  }, 120_000)
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('gets ranges from the split thresholds, inside the range of the data, and no rows', async () => {
    const artifact = await loadArtifact(join(dir, 'wine.json'))
    expect(artifact.metadataPath).not.toBeNull()
    const summary = artifact.metadata.training_summary as TrainingSummary
    expect(summary.basis).toBe('split-thresholds')
    expect(summary.features.map((f) => f.name)).toEqual(data.featureNames)
    summary.features.forEach((f, i) => {
      if (f.min === null || f.max === null) return
      const column = data.X.map((row) => row[i]!)
      expect(f.min).toBeGreaterThanOrEqual(Math.min(...column))
      expect(f.max).toBeLessThanOrEqual(Math.max(...column))
      expect(f.min).toBeLessThanOrEqual(f.max)
    })
    expect(summary.features.filter((f) => f.min !== null).length).toBeGreaterThan(10)
    expect(summary.classes.map((c) => c.name)).toEqual(['barbera', 'barolo', 'grignolino'])
    expect(summary.classes.every((c) => c.examples.length === 0 && c.count === null)).toBe(true)
  })
})
