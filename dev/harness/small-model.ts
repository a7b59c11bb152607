/** Small Iris forests fitted in-process, with metadata, for tests and scripts that need model files. */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadLabelledCsv } from '../../src/data/load.js'
import { RandomForestClassifier } from '../../src/ml/index.js'
import type { MetadataInput } from '../../src/model/artifact.js'
import type { ModelDescription } from '../../src/model/serialize.js'
import { ROOT } from './build.js'

/** A small forest fitted on Iris (seed 7), described for saving. */
export async function smallIrisModel(
  nEstimators = 10,
): Promise<{ description: ModelDescription; X: number[][] }> {
  const data = await loadLabelledCsv(join(ROOT, 'data/iris.csv'))
  const clf = new RandomForestClassifier({ nEstimators, seed: 7 }).fit(data.X, data.y)
  return {
    X: data.X,
    description: {
      modelType: 'RandomForestClassifier',
      source: 'iris-prediction-service test',
      featureNames: data.featureNames,
      classes: clf.classes,
      hyperparameters: { n_estimators: nEstimators, random_state: 7 },
      forest: clf.forest,
    },
  }
}

export function metadataFor(d: ModelDescription): MetadataInput {
  return {
    model_type: d.modelType,
    n_estimators: d.forest.trees.length,
    feature_names: [...d.featureNames],
    target_names: [...d.classes],
    metrics: null,
    feature_importance: Object.fromEntries(d.featureNames.map((n) => [n, 0.25])),
    train_samples: 150,
    test_samples: 0,
    hyperparameters: d.hyperparameters,
    cv_accuracy: null,
    data_sha256: null,
    created_at: '2026-01-01T00:00:00.000Z',
  }
}

export async function tempDir(prefix = 'iris-model-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}
