import { readFile, rm, writeFile } from 'node:fs/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../dev/harness/small-model.js'
import { loadLabelledCsv } from '../data/load.js'
import { RandomForestClassifier } from '../ml/index.js'
import { TRAIN_DEFAULTS, train } from '../train.js'
import { loadArtifact, metadataPathFor } from './artifact.js'
import { ModelLoadError } from './errors.js'
import { decimalsOf, MAX_EXAMPLE_ROWS, summariseSplits, summariseTrainingData } from './training-summary.js'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('training summary', () => {
  it('records range, mean, median and decimals per feature, and a typical row and rows per class', async () => {
    const wine = await loadLabelledCsv('test/fixtures/data/wine.csv')
    const classes = ['barbera', 'barolo', 'grignolino']
    const s = summariseTrainingData(wine.X, wine.y, wine.featureNames, classes)
    expect(s.basis).toBe('training-data')
    expect(s.rows).toBe(178)
    expect(s.features[0]).toEqual({
      name: 'alcohol',
      min: 11.03,
      max: 14.83,
      mean: 13.0006,
      median: 13.05,
      decimals: 2,
    })
    expect(s.features.at(-1)).toMatchObject({
      name: 'proline',
      min: 278,
      max: 1680,
      median: 673.5,
      decimals: 0,
    })
    expect(s.classes.map((c) => [c.name, c.count, c.examples.length])).toEqual([
      ['barbera', 48, 48],
      ['barolo', 59, 59],
      ['grignolino', 71, 71],
    ])
    // The typical row is a real training row of its class.
    for (const c of s.classes) {
      const own = wine.X.filter((_, i) => wine.y[i] === c.name).map((r) => r.join(','))
      expect(own).toContain(c.typical.join(','))
    }
  })

  it('keeps a spread sample when the data has more rows than a plot needs', () => {
    const X = Array.from({ length: 1000 }, (_, i) => [i, i % 7])
    const y = X.map((_, i) => (i < 900 ? 'big' : 'small'))
    const s = summariseTrainingData(X, y, ['a', 'b'], ['big', 'small'])
    const sizes = s.classes.map((c) => c.examples.length)
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_EXAMPLE_ROWS)
    expect(sizes).toEqual([270, 30])
    expect(s.classes[0]!.examples[0]).toEqual([0, 0])
    expect(s.classes[0]!.examples.at(-1)![0]).toBeGreaterThan(850)
  })

  it('counts decimals as written', () => {
    expect([
      decimalsOf(5.1),
      decimalsOf(1065),
      decimalsOf(0.125),
      decimalsOf(1e-7),
      decimalsOf(2.5e3),
    ]).toEqual([1, 0, 3, 6, 0])
  })

  it('ranges a model without data from its split thresholds', async () => {
    const iris = await loadLabelledCsv('data/iris.csv')
    const clf = new RandomForestClassifier({ nEstimators: 5, seed: 1, maxDepth: 2 }).fit(iris.X, iris.y)
    const s = summariseSplits(clf.forest, iris.featureNames, clf.classes)
    expect(s.basis).toBe('split-thresholds')
    for (const f of s.features) {
      if (f.min === null) continue
      expect(f.min).toBeLessThanOrEqual(f.max!)
      expect(f.mean).toBeNull()
    }
    expect(s.features.some((f) => f.min !== null && f.min > 0 && f.max! < 8)).toBe(true)
    expect(s.classes.every((c) => c.count === null && c.examples.length === 0)).toBe(true)
  })
})

describe('training summary in the artifact', () => {
  it('is written by iris train, loaded, and refused when it does not match the model', async () => {
    const out = await tempDir('summary-')
    dirs.push(out)
    const result = await train({
      ...TRAIN_DEFAULTS,
      data: 'test/fixtures/data/wine.csv',
      cv: null,
      trees: 5,
      out,
      name: 'w',
    })
    const loaded = await loadArtifact(result.saved.modelPath)
    const summary = loaded.metadata.training_summary as ReturnType<typeof summariseTrainingData>
    expect(summary.basis).toBe('training-data')
    expect(summary.features.map((f) => f.name)).toEqual(loaded.model.featureNames)

    const metaPath = metadataPathFor(result.saved.modelPath)
    const good = JSON.parse(await readFile(metaPath, 'utf8'))
    // The metadata as parsed JSON, loosely typed on purpose: each case breaks one field.
    type Meta = {
      training_summary: {
        basis: string
        features: { name: string; min: unknown }[]
        classes: { typical: unknown[]; examples: unknown[][] }[]
      }
    }
    const cases: [(m: Meta) => void, RegExp][] = [
      [(m) => (m.training_summary.basis = 'vibes'), /training_summary\.basis is "vibes"/],
      [
        (m) => m.training_summary.features.pop(),
        /training_summary\.features has 12 entries; the model has 13 features/,
      ],
      [
        (m) => (m.training_summary.features[2].name = 'x'),
        /training_summary\.features\[2\]\.name is "x", expected the model's "ash"/,
      ],
      [
        (m) => (m.training_summary.features[0].min = 'low'),
        /training_summary\.features\[0\]\.min is "low", expected a finite number or null/,
      ],
      [
        (m) => m.training_summary.classes[1].examples[0].pop(),
        /training_summary\.classes\[1\]\.examples\[0\] has 12 values, expected 13/,
      ],
      [
        (m) => (m.training_summary.classes[0].typical[3] = null),
        /training_summary\.classes\[0\]\.typical\[3\] = null is not a finite number/,
      ],
    ]
    for (const [mutate, message] of cases) {
      const bad = structuredClone(good)
      mutate(bad)
      await writeFile(metaPath, JSON.stringify(bad))
      const err = await loadArtifact(result.saved.modelPath).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ModelLoadError)
      expect(String((err as Error).message)).toMatch(message)
    }
  })

  it('is derived from the trees for a model without metadata', async () => {
    const out = await tempDir('summary-')
    dirs.push(out)
    const result = await train({ ...TRAIN_DEFAULTS, cv: null, trees: 5, out, name: 'bare' })
    await rm(metadataPathFor(result.saved.modelPath))
    const loaded = await loadArtifact(result.saved.modelPath)
    expect((loaded.metadata.training_summary as { basis: string }).basis).toBe('split-thresholds')
  })
})
