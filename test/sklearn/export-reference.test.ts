/**
 * scripts/export_sklearn.py --reference: the drift profile it adds is the one our trainer would build
 * from the same CSV (numpy's quantiles = ours, bit for bit), and a bad reference CSV is refused clearly.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseLabelledCsv } from '../../src/data/csv.js'
import { loadArtifact } from '../../src/model/artifact.js'
import { buildReferenceProfile } from '../../src/model/reference-profile.js'
import { EXPORTER, ROOT, runPython, runPythonOk, SKIP_SKLEARN } from './python.js'

const IRIS = resolve(ROOT, 'data', 'iris.csv')
const FIT = `
import sys, csv, joblib, numpy as np
from sklearn.ensemble import RandomForestClassifier
rows = list(csv.reader(open(sys.argv[1])))
X = np.array([[float(v) for v in r[:4]] for r in rows[1:]])
y = np.array([r[4] for r in rows[1:]])
clf = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
joblib.dump(clf, sys.argv[2])
`
const features = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']

describe.skipIf(SKIP_SKLEARN)('export_sklearn.py --reference', () => {
  let dir: string
  const export_ = (name: string, ...flags: string[]) =>
    runPython([
      EXPORTER,
      join(dir, 'rf.joblib'),
      '--out',
      join(dir, name),
      '--name',
      'm',
      '--feature-names',
      features.join(','),
      ...flags,
    ])
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-reference-'))
    await writeFile(join(dir, 'fit.py'), FIT)
    await runPythonOk([join(dir, 'fit.py'), IRIS, join(dir, 'rf.joblib')])
  }, 120_000)
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('adds the values and class priors of a small training CSV, as our trainer builds them', async () => {
    const run = await export_('small', '--reference', IRIS)
    expect(run.code, run.stderr).toBe(0)
    const artifact = await loadArtifact(join(dir, 'small', 'm.json'))
    expect(artifact.model.formatVersion).toBe(2)
    const data = parseLabelledCsv(readFileSync(IRIS, 'utf8'), { source: IRIS })
    const ours = buildReferenceProfile(data.X, data.y, features, artifact.model.classes)
    expect(artifact.model.reference).toEqual(ours)
  })

  it('adds 1000 quantiles for a big CSV, equal to ours bit for bit', async () => {
    const lines = ['a,b,c,d,kind']
    for (let i = 0; i < 2500; i++) {
      lines.push(
        `${((i * 7919) % 1013) / 97},${Math.sin(i)},${i % 13},${((i * i) % 101) / 3},${['setosa', 'versicolor', 'virginica'][i % 3]}`,
      )
    }
    const csv = join(dir, 'big.csv')
    await writeFile(csv, `${lines.join('\n')}\n`)
    const names = ['a', 'b', 'c', 'd']
    const run = await runPython([
      EXPORTER,
      join(dir, 'rf.joblib'),
      '--out',
      join(dir, 'big'),
      '--name',
      'm',
      '--feature-names',
      names.join(','),
      '--reference',
      csv,
    ])
    expect(run.code, run.stderr).toBe(0)
    const artifact = await loadArtifact(join(dir, 'big', 'm.json'))
    const data = parseLabelledCsv(`${lines.join('\n')}\n`, { source: csv })
    const ours = buildReferenceProfile(data.X, data.y, names, artifact.model.classes)
    expect(artifact.model.reference?.kind).toBe('quantiles')
    expect(artifact.model.reference).toEqual(ours)
  })

  it.each([
    [
      'a value that is not a number',
      'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n5.1,x,1.4,0.2,setosa\n',
      /line 2, column 'sepal_width_cm': 'x' is not a finite number/,
    ],
    [
      'a label the model does not know',
      'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n5.1,3.5,1.4,0.2,rose\n',
      /line 2: label 'rose' is not one of the model's classes/,
    ],
    [
      'a missing feature column',
      'sepal_length_cm,sepal_width_cm,petal_length_cm,species\n5.1,3.5,1.4,setosa\n',
      /no column for the features \['petal_width_cm'\]/,
    ],
    [
      'two candidate label columns',
      'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species,id\n5.1,3.5,1.4,0.2,setosa,1\n',
      /say which is the label with --target/,
    ],
  ])('refuses %s (exit 2) and writes nothing', async (_, text, message) => {
    const csv = join(dir, 'bad.csv')
    await writeFile(csv, text)
    const out = `bad-${Math.random().toString(36).slice(2)}`
    const run = await export_(out, '--reference', csv)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
    await expect(readdir(join(dir, out))).rejects.toThrow(/ENOENT/)
  })

  it('--target names the label column when several columns are not features', async () => {
    const csv = join(dir, 'target.csv')
    await writeFile(
      csv,
      'id,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n1,5.1,3.5,1.4,0.2,setosa\n2,6.1,2.5,4.4,1.2,versicolor\n',
    )
    const run = await export_('target', '--reference', csv, '--target', 'species')
    expect(run.code, run.stderr).toBe(0)
    const artifact = await loadArtifact(join(dir, 'target', 'm.json'))
    expect(artifact.model.reference?.rows).toBe(2)
    expect(artifact.model.reference?.classPriors).toEqual([0.5, 0.5, 0])
  })
})
