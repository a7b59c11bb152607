import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X, y } from '../../dev/iris-data.js'
import { RandomForestClassifier } from '../ml/index.js'
import { loadArtifact } from './artifact.js'
import { ModelLoadError } from './errors.js'
import { loadModel } from './load-model.js'
import { buildReferenceProfile, REFERENCE_POINTS, referenceToJson } from './reference-profile.js'
import { serializeModel } from './serialize.js'

const featureNames = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']
const classes = ['setosa', 'versicolor', 'virginica']
const forest = new RandomForestClassifier({ nEstimators: 3, seed: 1 }).fit(X, y).forest
const describeModel = (reference: ReturnType<typeof buildReferenceProfile> | null) => ({
  modelType: 'RandomForestClassifier',
  source: 'test',
  featureNames,
  classes,
  hyperparameters: {},
  forest,
  reference,
})

describe('reference profile', () => {
  it('keeps every training value, sorted, and the class priors for a small training set', () => {
    const p = buildReferenceProfile(X, y, featureNames, classes)
    expect(p.kind).toBe('values')
    expect(p.rows).toBe(150)
    expect(p.features).toHaveLength(4)
    expect(Array.from(p.features[2]!)).toEqual(X.map((r) => r[2]!).sort((a, b) => a - b))
    expect(p.classPriors).toEqual([50 / 150, 50 / 150, 50 / 150])
  })

  it('keeps REFERENCE_POINTS quantiles for a big training set, whatever its size', () => {
    const big = Array.from({ length: 5000 }, (_, i) => [i, -i, i % 7, 1])
    const labels = big.map((_, i) => (i < 1000 ? 'a' : 'b'))
    const p = buildReferenceProfile(big, labels, ['u', 'v', 'w', 'k'], ['a', 'b'])
    expect(p.kind).toBe('quantiles')
    expect(p.rows).toBe(5000)
    for (const f of p.features) expect(f).toHaveLength(REFERENCE_POINTS)
    expect(p.features[0]![0]).toBeCloseTo(0.0005 * 4999, 9) // level (0 + 0.5) / 1000
    expect(p.features[1]![0]).toBeLessThan(p.features[1]![999]!) // ascending
    expect(p.classPriors).toEqual([0.2, 0.8])
  })

  it('refuses a label outside the classes and mismatched lengths', () => {
    expect(() => buildReferenceProfile([[1]], ['x'], ['f'], ['a'])).toThrow(
      /label "x" is not one of the classes/,
    )
    expect(() => buildReferenceProfile([[1]], [], ['f'], ['a'])).toThrow(/1 rows but 0 labels/)
  })
})

describe('reference profile in the model file (format version 2)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reference-'))
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })
  const write = async (name: string, text: string) => {
    const path = join(dir, `${name}.json`)
    await writeFile(path, text)
    return path
  }

  it('round-trips through the file and reaches the loaded model', async () => {
    const profile = buildReferenceProfile(X.slice(0, 120), y.slice(0, 120), featureNames, classes)
    const path = await write('with', serializeModel(describeModel(profile)))
    const text = await readFile(path, 'utf8')
    expect(JSON.parse(text).format_version).toBe(2)
    expect(JSON.parse(text).reference).toEqual(referenceToJson(profile, featureNames, classes))
    const model = await loadModel(path)
    expect(model.reference?.rows).toBe(120)
    expect(model.reference?.features.map((f) => Array.from(f))).toEqual(
      profile.features.map((f) => Array.from(f)),
    )
    expect(model.reference?.classPriors).toEqual(profile.classPriors)
  })

  it('a model without a profile, and an old version 1 file, load with reference null', async () => {
    const without = await loadModel(await write('without', serializeModel(describeModel(null))))
    expect(without.reference).toBeNull()
    const v1 = serializeModel(describeModel(null)).replace('"format_version": 2', '"format_version": 1')
    const old = await loadArtifact(await write('v1', v1))
    expect(old.model.formatVersion).toBe(1)
    expect(old.model.reference).toBeNull()
  })

  const profile = buildReferenceProfile(X.slice(0, 10), y.slice(0, 10), featureNames, classes)
  type RefJson = {
    rows: unknown
    kind: unknown
    features: Record<string, unknown[]>
    class_priors: Record<string, unknown>
  }
  const mutate = (fn: (m: Record<string, unknown> & { reference: RefJson }) => void) => {
    const m = JSON.parse(serializeModel(describeModel(profile)))
    fn(m)
    return JSON.stringify(m)
  }
  it.each([
    [
      'a reference in a version 1 file',
      mutate((m) => (m.format_version = 1)),
      /reference appears in a format_version 1 file/,
    ],
    [
      'rows not an integer',
      mutate((m) => (m.reference.rows = 1.5)),
      /reference.rows is 1.5, expected an integer >= 1/,
    ],
    ['an unknown kind', mutate((m) => (m.reference.kind = 'bins')), /reference.kind is "bins"/],
    [
      'a missing feature',
      mutate((m) => delete m.reference.features.petal_width_cm),
      /missing \["petal_width_cm"\]/,
    ],
    ['an unknown class', mutate((m) => (m.reference.class_priors.rose = 0)), /unknown \["rose"\]/],
    [
      'priors not summing to 1',
      mutate((m) => (m.reference.class_priors.setosa = 0.9)),
      /class_priors sum to/,
    ],
    [
      'values not ascending',
      mutate((m) => m.reference.features.sepal_length_cm.reverse()),
      /must be ascending/,
    ],
    [
      'a value count unlike rows',
      mutate((m) => m.reference.features.sepal_width_cm.pop()),
      /has 9 values, expected reference.rows = 10/,
    ],
    [
      'a non-finite value',
      mutate((m) => (m.reference.features.sepal_width_cm[0] = 'x')),
      /sepal_width_cm\[0\] = "x" is not a finite number/,
    ],
  ])('refuses %s, naming the file and the place', async (_, text, message) => {
    const path = await write('bad', text)
    const err = await loadArtifact(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ModelLoadError)
    expect((err as Error).message).toMatch(message)
    expect((err as Error).message).toContain(path)
  })
})
