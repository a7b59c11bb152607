import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metadataFor, savedSmallModel, smallIrisModel, tempDir } from '../../test/support/model.js'
import { loadLabelledCsv } from '../data/load.js'
import { compileForest, RandomForestClassifier } from '../ml/index.js'
import { loadArtifact, metadataPathFor, modelVersionOf, saveModel } from './artifact.js'
import { ModelLoadError } from './errors.js'
import { impurityImportances } from './importance.js'
import { serializeModel } from './serialize.js'

let dir: string
let goodPath: string
let goodText: string
let X: number[][]

beforeAll(async () => {
  dir = await tempDir()
  const saved = await savedSmallModel(dir, 'good')
  goodPath = saved.modelPath
  goodText = await readFile(goodPath, 'utf8')
  X = saved.X
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function flatten(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat())
}

/** Writes a variant of the good model (and no metadata) and returns the load error. */
async function loadBroken(name: string, text: string): Promise<ModelLoadError> {
  const path = join(dir, `${name}.json`)
  await writeFile(path, text)
  const err = await loadArtifact(path).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ModelLoadError)
  expect((err as ModelLoadError).file).toBe(path)
  return err as ModelLoadError
}

// biome-ignore lint/suspicious/noExplicitAny: the tests break parsed model JSON at arbitrary depths.
type LooseJson = Record<string, any>

function mutate(edit: (model: LooseJson) => void): string {
  const model = JSON.parse(goodText)
  edit(model)
  return JSON.stringify(model)
}

describe('save and load', () => {
  it('round-trips to identical probabilities and typed arrays', async () => {
    const { description } = await smallIrisModel()
    const loaded = await loadArtifact(goodPath)
    const rows = flatten(X)
    const before = compileForest(description.forest).predictProba(rows, X.length)
    const after = compileForest(loaded.model.forest).predictProba(rows, X.length)
    expect(after).toEqual(before)
    const tree = loaded.model.forest.trees[0]!
    expect(tree.childrenLeft).toBeInstanceOf(Int32Array)
    expect(tree.threshold).toBeInstanceOf(Float64Array)
    expect(loaded.model.classes).toEqual(['setosa', 'versicolor', 'virginica'])
    expect(loaded.metadataPath).toBe(metadataPathFor(goodPath))
    expect(loaded.metadata.model_version).toBe(modelVersionOf(goodText))
    expect(loaded.metadata.format_version).toBe(2)
    expect(loaded.metadata.source).toBe('iris-prediction-service test')
  })

  it('serialises deterministically and re-serialises a loaded model to the same bytes', async () => {
    const { description } = await smallIrisModel()
    expect(serializeModel(description)).toBe(goodText)
    const loaded = await loadArtifact(goodPath)
    expect(serializeModel({ ...description, forest: loaded.model.forest })).toBe(goodText)
  })

  it('derives metadata when the metadata file is absent, with scikit-learn importances', async () => {
    const { description } = await smallIrisModel()
    const path = join(dir, 'bare.json')
    await writeFile(path, goodText)
    const loaded = await loadArtifact(path)
    expect(loaded.metadataPath).toBeNull()
    expect(loaded.metadata).toMatchObject({
      model_type: 'RandomForestClassifier',
      n_estimators: 10,
      target_names: ['setosa', 'versicolor', 'virginica'],
      metrics: null,
      seed: 7,
      model_version: modelVersionOf(goodText),
      source: 'iris-prediction-service test',
    })
    const { y } = await loadLabelledCsv('data/iris.csv')
    const clf = new RandomForestClassifier({ nEstimators: 10, seed: 7 }).fit(X, y)
    const derived = Object.values(loaded.metadata.feature_importance)
    derived.forEach((v, f) => {
      expect(v).toBeCloseTo(clf.featureImportances[f]!, 12)
    })
    expect(Array.from(impurityImportances(description.forest)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })

  it('writes no temp files and leaves the old files when a write fails', async () => {
    const { description } = await smallIrisModel()
    const out = await tempDir()
    await saveModel(out, 'm', description, metadataFor(description))
    expect((await readdir(out)).sort()).toEqual(['m.json', 'm_metadata.json'])
    const before = await readFile(join(out, 'm.json'), 'utf8')
    // A forest whose names do not match cannot be rendered: nothing must be written or clobbered.
    const broken = { ...description, classes: ['a'] }
    await expect(saveModel(out, 'm', broken, metadataFor(description))).rejects.toThrow(/names do not match/)
    // A target that is a directory makes the rename fail after the temp file was written.
    await mkdir(join(out, 'd.json'))
    await expect(saveModel(out, 'd', description, metadataFor(description))).rejects.toThrow(
      `${join(out, 'd.json')}: could not write:`,
    )
    expect(await readFile(join(out, 'm.json'), 'utf8')).toBe(before)
    expect((await readdir(out)).sort()).toEqual(['d.json', 'm.json', 'm_metadata.json'])
    await rm(out, { recursive: true, force: true })
  })
})

describe('load refuses broken model files', () => {
  const cases: [string, () => string, RegExp][] = [
    ['not-json', () => 'hello', /: not valid JSON/],
    [
      'syntax',
      () => goodText.replace('"format_version": 2,', '"format_version": 2,,'),
      /not valid JSON: .* at line 3, column \d+/,
    ],
    [
      'truncated',
      () => goodText.slice(0, 500),
      /not valid JSON: .*(offset 500\) \(the file ends there|after 500 characters)/,
    ],
    ['truncated-end', () => goodText.slice(0, -4), /not valid JSON: .*truncated\?/],
    ['top-array', () => '[]', /the top level is an array, expected an object/],
    [
      'format',
      () => mutate((m) => (m.format = 'sklearn-pickle')),
      /format is "sklearn-pickle", expected "iris-forest"/,
    ],
    ['no-format', () => mutate((m) => delete m.format), /: missing field "format"$/],
    [
      'version',
      () => mutate((m) => (m.format_version = 3)),
      /format_version 3 is not supported \(this build reads 1, 2\)/,
    ],
    [
      'version-type',
      () => mutate((m) => (m.format_version = '1')),
      /format_version is "1", expected an integer/,
    ],
    [
      'model-type',
      () => mutate((m) => (m.model_type = 'GradientBoostingClassifier')),
      /model_type "GradientBoostingClassifier" is not supported/,
    ],
    ['missing-classes', () => mutate((m) => delete m.classes), /missing field "classes"/],
    [
      'dup-classes',
      () => mutate((m) => (m.classes = ['a', 'b', 'a'])),
      /classes\[2\] = "a" duplicates classes\[0\]/,
    ],
    [
      'dup-features',
      () => mutate((m) => (m.feature_names[3] = m.feature_names[0])),
      /feature_names\[3\] = "sepal_length_cm" duplicates feature_names\[0\]/,
    ],
    ['class-count', () => mutate((m) => (m.n_classes = 4)), /classes has 3 entries, expected n_classes = 4/],
    [
      'feature-count',
      () => mutate((m) => (m.n_features = 5)),
      /feature_names has 4 entries, expected n_features = 5/,
    ],
    ['no-trees', () => mutate((m) => (m.trees = [])), /trees is empty/],
    ['tree-type', () => mutate((m) => (m.trees[1] = 3)), /trees\[1\] is 3, expected an object/],
    [
      'lengths',
      () => mutate((m) => m.trees[2].feature.pop()),
      /trees\[2\]\.feature has \d+ entries, expected node_count = \d+/,
    ],
    [
      'value-length',
      () => mutate((m) => m.trees[0].value.push(0)),
      /trees\[0\]\.value has \d+ entries, expected node_count \* n_classes = \d+/,
    ],
    [
      'child-range',
      () => mutate((m) => (m.trees[3].children_left[0] = 999)),
      /trees\[3\]\.children_left\[0\] = 999 is out of range \(must be in \(0, \d+\)\)/,
    ],
    [
      'child-before-parent',
      () => mutate((m) => (m.trees[0].children_right[0] = 0)),
      /trees\[0\]\.children_right\[0\] = 0 is out of range/,
    ],
    [
      'shared-child',
      () => mutate((m) => (m.trees[0].children_right[0] = m.trees[0].children_left[0])),
      /trees\[0\]\.children_right\[0\] = 1 is already a child of node 0/,
    ],
    [
      'half-leaf',
      () => mutate((m) => (m.trees[0].children_left[0] = -1)),
      /children_left\[0\] = -1 and children_right\[0\] = \d+: a leaf has both -1/,
    ],
    [
      'feature-range',
      () => mutate((m) => (m.trees[3].feature[0] = 7)),
      /: trees\[3\]\.feature\[0\] = 7 is out of range \(n_features = 4\)$/,
    ],
    [
      'threshold-null',
      () => mutate((m) => (m.trees[0].threshold[0] = null)),
      /trees\[0\]\.threshold\[0\] = null is not a finite number/,
    ],
    [
      'threshold-string',
      () => mutate((m) => (m.trees[0].threshold[0] = 'Infinity')),
      /trees\[0\]\.threshold\[0\] = "Infinity" is not a finite number/,
    ],
    [
      'threshold-huge',
      () => mutate((m) => (m.trees[0].threshold[0] = 1)).replace('"threshold":[1,', '"threshold":[1e999,'),
      /threshold\[0\] = Infinity is not a finite number/,
    ],
    [
      'int-type',
      () => mutate((m) => (m.trees[0].children_left[0] = 1.5)),
      /trees\[0\]\.children_left\[0\] = 1.5 is not a 32-bit integer/,
    ],
    [
      'leaf-sum',
      () => mutate((m) => leafOf(m.trees[0], (v, at) => (v[at] = v[at] + 0.5))),
      /trees\[0\]\.value of leaf \d+ sums to 1.5, expected 1/,
    ],
    [
      'leaf-negative',
      () =>
        mutate((m) =>
          leafOf(m.trees[0], (v, at) => {
            v[at] = -0.5
            v[at + 1] = 1.5 - v[at + 2]
          }),
        ),
      /trees\[0\]\.value\[\d+\] = -0.5 is negative/,
    ],
  ]
  for (const [name, build, message] of cases) {
    it(name, async () => {
      const err = await loadBroken(name, build())
      expect(err.message.startsWith(`${join(dir, name)}.json: `)).toBe(true)
      expect(err.message).toMatch(message)
    })
  }

  it('reports a missing file', async () => {
    await expect(loadArtifact(join(dir, 'nope.json'))).rejects.toThrow(
      `${join(dir, 'nope.json')}: file not found`,
    )
  })
})

describe('load refuses broken metadata', () => {
  async function withMetadata(name: string, edit: (meta: LooseJson) => void): Promise<ModelLoadError> {
    const path = join(dir, `${name}.json`)
    await writeFile(path, goodText)
    const meta = JSON.parse(await readFile(metadataPathFor(goodPath), 'utf8'))
    edit(meta)
    await writeFile(metadataPathFor(path), JSON.stringify(meta))
    const err = await loadArtifact(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ModelLoadError)
    expect((err as ModelLoadError).file).toBe(metadataPathFor(path))
    return err as ModelLoadError
  }

  it('rejects ill-typed fields, other names and another model version', async () => {
    expect((await withMetadata('meta-type', (m) => (m.train_samples = 'many'))).fault).toBe(
      'train_samples is "many", expected an integer or null',
    )
    expect((await withMetadata('meta-names', (m) => (m.target_names = ['a', 'b', 'c']))).fault).toMatch(
      /target_names \["a","b","c"\] does not match the model classes/,
    )
    expect((await withMetadata('meta-version', (m) => (m.model_version = 'abc'))).fault).toMatch(
      /model_version "abc" does not match the model file/,
    )
  })
})

function leafOf(
  tree: { children_left: number[]; value: number[] },
  edit: (v: number[], at: number) => void,
): void {
  const leaf = tree.children_left.indexOf(-1)
  edit(tree.value, leaf * 3)
}
