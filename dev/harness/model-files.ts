/**
 * A models folder for reload tests: the serving model, a compatible new one, and one file of each kind a
 * reload must refuse (corrupt, truncated, other features, other classes), plus a valid model outside it.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { saveModel } from '../../src/model/artifact.js'
import { metadataFor, smallIrisModel, tempDir } from './small-model.js'

export interface ModelFiles {
  dir: string
  /** The serving model (a copy of the committed one, or a small trained one). */
  serving: string
  servingVersion: string
  /** A compatible model trained with other settings: a reload to it must succeed. */
  good: string
  goodVersion: string
  corrupt: string
  truncated: string
  otherFeatures: string
  otherClasses: string
  /** A valid model outside the folder. */
  outside: string
}

export async function makeModelFiles(): Promise<ModelFiles> {
  const dir = await tempDir('iris-models-')
  const outsideDir = await tempDir('iris-outside-')
  const base = await smallIrisModel(7)
  const other = await smallIrisModel(12)
  const save = async (d: string, name: string, desc: typeof base.description) =>
    saveModel(d, name, desc, metadataFor(desc))

  const serving = await save(dir, 'iris_model', base.description)
  const good = await save(dir, 'iris_model_v2', other.description)
  const renamed = { ...base.description, featureNames: base.description.featureNames.map((f) => `${f}_mm`) }
  const otherFeatures = await save(dir, 'other_features', renamed)
  const relabelled = { ...base.description, classes: ['iris-a', 'iris-b', 'iris-c'] }
  const otherClasses = await save(dir, 'other_classes', relabelled)
  const outside = await save(outsideDir, 'outside', other.description)

  const corrupt = join(dir, 'corrupt.json')
  writeFileSync(corrupt, '{"format": "iris-forest", "format_version": 1, "trees": [ {"node_count": ')
  const truncated = join(dir, 'truncated.json')
  const bytes = readFileSync(good.modelPath)
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)))
  mkdirSync(join(dir, 'sub'))
  copyFileSync(good.modelPath, join(dir, 'sub', 'nested.json'))
  return {
    dir,
    serving: serving.modelPath,
    servingVersion: serving.modelVersion,
    good: good.modelPath,
    goodVersion: good.modelVersion,
    corrupt,
    truncated,
    otherFeatures: otherFeatures.modelPath,
    otherClasses: otherClasses.modelPath,
    outside: outside.modelPath,
  }
}
