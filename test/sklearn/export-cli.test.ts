/**
 * scripts/export_sklearn.py as a user meets it: what it accepts (names, classes, pickle or joblib),
 * what it writes (files our loader accepts, model_version = hash of the model file), and what it refuses.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadArtifact } from '../../src/model/artifact.js'
import {
  EXPORTER,
  IN_CI,
  type RunResult,
  runPython,
  runPythonOk,
  SKIP_SKLEARN,
  SKLEARN_MISSING_REASON,
  SKLEARN_VERSION,
} from './python.js'

// Fits small estimators (good and bad) and saves them; `Named` mimics a DataFrame, the way scikit-learn
// finds feature names (any array container with `columns`).
const MAKE_MODELS = `
import pickle, sys, joblib, numpy as np
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor, ExtraTreesClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
out = sys.argv[1]
X, y = load_iris(return_X_y=True)
class Named:
    columns = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
    def __array__(self, dtype=None):
        return X if dtype is None else X.astype(dtype)
    def __len__(self):
        return len(X)
    shape = X.shape
def save(name, est):
    joblib.dump(est, f"{out}/{name}.joblib")
save("unfitted", RandomForestClassifier())
save("regressor", RandomForestRegressor(n_estimators=3).fit(X, y))
save("multioutput", RandomForestClassifier(n_estimators=3).fit(X, np.c_[y, y]))
save("pipeline", make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=3)).fit(X, y))
save("logistic", LogisticRegression(max_iter=500).fit(X, y))
save("bytes_classes", DecisionTreeClassifier().fit(X, np.array([b"a", b"b", b"c"])[y]))
save("float_classes", ExtraTreesClassifier(n_estimators=3, random_state=0).fit(X, np.array([1.0, 2.0, 3.0])[y]))
save("named", RandomForestClassifier(n_estimators=5, random_state=0).fit(Named(), y))
with open(f"{out}/plain.pkl", "wb") as f:
    pickle.dump(DecisionTreeClassifier(random_state=0).fit(X, y), f)
`

// Runs export_sklearn.main(argv) for every case in one process (one scikit-learn import instead of one per
// case), capturing each case's exit code and output. One case also runs as a real process below.
const RUN_CASES = `
import contextlib, io, json, sys
sys.path.insert(0, sys.argv[1])
import export_sklearn
results = {}
for key, argv in json.load(open(sys.argv[2])).items():
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = export_sklearn.main(argv)
        except SystemExit as exit:
            code = exit.code
    results[key] = {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
json.dump(results, sys.stdout)
`

const CASES: Record<string, [file: string, name: string, ...flags: string[]]> = {
  unfitted: ['unfitted.joblib', 'm'],
  regressor: ['regressor.joblib', 'm'],
  multioutput: ['multioutput.joblib', 'm'],
  pipeline: ['pipeline.joblib', 'm'],
  logistic: ['logistic.joblib', 'm'],
  bytesClasses: ['bytes_classes.joblib', 'm'],
  garbage: ['garbage.joblib', 'm'],
  missing: ['missing.joblib', 'm'],
  badName: ['plain.pkl', '../escape'],
  shortFlag: ['plain.pkl', 'm', '--feature-names', 'a,b,c'],
  duplicateFlag: ['plain.pkl', 'm', '--feature-names', 'a,b,a,c'],
  named: ['named.joblib', 'named'],
  renamed: [
    'named.joblib',
    'renamed',
    '--feature-names',
    'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm',
  ],
  floats: ['float_classes.joblib', 'floats'],
}

if (SKIP_SKLEARN) console.warn(`skipping scikit-learn tests: ${SKLEARN_MISSING_REASON}`)

describe.skipIf(SKIP_SKLEARN)('export_sklearn.py', () => {
  let dir: string
  let results: Record<string, RunResult>
  const outOf = (key: string) => join(dir, `out-${key}`)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-cli-'))
    await writeFile(join(dir, 'make_models.py'), MAKE_MODELS)
    await writeFile(join(dir, 'run_cases.py'), RUN_CASES)
    await writeFile(join(dir, 'garbage.joblib'), 'this is not a pickle\n')
    const argvs = Object.fromEntries(
      Object.entries(CASES).map(([key, [file, name, ...flags]]) => [
        key,
        [join(dir, file), '--out', outOf(key), '--name', name, ...flags],
      ]),
    )
    await writeFile(join(dir, 'cases.json'), JSON.stringify(argvs))
    await runPythonOk([join(dir, 'make_models.py'), dir])
    results = JSON.parse(
      await runPythonOk([join(dir, 'run_cases.py'), dirname(EXPORTER), join(dir, 'cases.json')]),
    )
  }, 120_000)
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it.each([
    ['unfitted', /unfitted\.joblib: the RandomForestClassifier is not fitted/],
    ['regressor', /RandomForestRegressor is not supported .*regressors are not served/],
    ['multioutput', /multi-output RandomForestClassifier \(n_outputs_=2\)/],
    ['pipeline', /Pipeline is not supported .*final step/],
    [
      'logistic',
      /LogisticRegression is not supported \(supported: RandomForestClassifier, ExtraTreesClassifier, DecisionTreeClassifier\)/,
    ],
    ['bytesClasses', /class 0 \(b'a', bytes\) has no string form/],
    ['garbage', /garbage\.joblib: not a joblib or pickle file/],
    ['missing', /missing\.joblib: no such file/],
    ['badName', /--name '\.\.\/escape': use letters, digits/],
    ['shortFlag', /--feature-names gives 3 names but the model has 4 features/],
    ['duplicateFlag', /feature names \['a', 'b', 'a', 'c'\] are not unique/],
  ])('refuses %s clearly (exit 2) and writes nothing', async (key, message) => {
    expect(results[key]!.code).toBe(2)
    expect(results[key]!.stderr).toMatch(message)
    await expect(readdir(outOf(key))).rejects.toThrow(/ENOENT/)
  })

  it('as a process: reads a plain pickle, names features x0..x3, writes files our loader accepts', async () => {
    const out = join(dir, 'out-process')
    const { code, stdout, stderr } = await runPython([
      EXPORTER,
      join(dir, 'plain.pkl'),
      '--out',
      out,
      '--name',
      'tree',
    ])
    expect(code).toBe(0)
    expect(stdout).toMatch(/wrote .*tree\.json and .*tree_metadata\.json/)
    expect(stderr).toMatch(/no feature names; using x0..x3/)
    const bytes = await readFile(join(out, 'tree.json'))
    const artifact = await loadArtifact(join(out, 'tree.json'))
    expect(artifact.model.featureNames).toEqual(['x0', 'x1', 'x2', 'x3'])
    expect(artifact.model.classes).toEqual(['0', '1', '2'])
    expect(artifact.model.modelType).toBe('DecisionTreeClassifier')
    expect(artifact.model.source).toBe(`scikit-learn ${SKLEARN_VERSION}`)
    expect(artifact.metadataPath).toBe(join(out, 'tree_metadata.json'))
    expect(artifact.metadata.model_version).toBe(
      createHash('sha256').update(bytes).digest('hex').slice(0, 12),
    )
    expect(artifact.metadata.train_samples).toBe(150)
    expect(artifact.metadata.n_estimators).toBe(1)
    expect(await readdir(out)).toEqual(['tree.json', 'tree_metadata.json']) // no temp files left behind
  })

  it('takes feature names from feature_names_in_, or from the flag, which wins', async () => {
    expect(results.named!.code).toBe(0)
    const named = await loadArtifact(join(outOf('named'), 'named.json'))
    expect(named.model.featureNames).toEqual([
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
    ])
    expect(Object.keys(named.metadata.feature_importance)).toEqual(named.model.featureNames)
    expect(named.metadata.train_samples).toBeNull() // bootstrap: the root saw a resample
    expect(named.metadata.seed).toBe(0)

    expect(results.renamed!.code).toBe(0)
    const renamed = await loadArtifact(join(outOf('renamed'), 'renamed.json'))
    expect(renamed.model.featureNames).toEqual(CASES.renamed![3]!.split(','))
  })

  it('writes float class labels in their round-trip form', async () => {
    expect(results.floats!.code).toBe(0)
    const artifact = await loadArtifact(join(outOf('floats'), 'floats.json'))
    expect(artifact.model.classes).toEqual(['1.0', '2.0', '3.0'])
    expect(artifact.model.modelType).toBe('ExtraTreesClassifier')
  })
})

describe.runIf(IN_CI)('scikit-learn in CI', () => {
  it('is installed (.ci/run installs python3-sklearn; missing it fails rather than skips)', () => {
    expect(SKLEARN_VERSION, SKLEARN_MISSING_REASON).not.toBeNull()
  })
})
