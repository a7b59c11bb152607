import { describe, expect, it } from 'vitest'
import { readModelInfo } from './model-info.js'

const metadata = {
  model_type: 'RandomForestClassifier',
  model_version: 'abc123def456',
  n_estimators: 100,
  feature_names: ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'],
  target_names: ['setosa', 'versicolor', 'virginica'],
  metrics: {
    accuracy: 0.9,
    setosa: { precision: 1, recall: 1, 'f1-score': 1, support: 10 },
    versicolor: { precision: 0.82, recall: 0.9, 'f1-score': 0.857, support: 10 },
    virginica: { precision: 0.89, recall: 0.8, 'f1-score': 0.842, support: 10 },
    'macro avg': { precision: 0.9, recall: 0.9, 'f1-score': 0.9, support: 30 },
    'weighted avg': { precision: 0.9, recall: 0.9, 'f1-score': 0.9, support: 30 },
  },
  feature_importance: {
    sepal_length_cm: 0.1,
    sepal_width_cm: 0.02,
    petal_length_cm: 0.45,
    petal_width_cm: 0.43,
  },
  train_samples: 120,
  test_samples: 30,
  cv_accuracy: { mean: 0.94, std: 0.033, folds: [1, 0.9, 0.93, 0.93, 0.97] },
  created_at: '2024-05-01T10:00:00.000Z',
  source: 'iris-prediction-service 1.0.0',
  data_sha256: 'f'.repeat(64),
}

describe('readModelInfo', () => {
  it('reads metadata fields at the top level', () => {
    const info = readModelInfo({
      ...metadata,
      classes: metadata.target_names,
      features: metadata.feature_names,
    })
    expect(info).toMatchObject({
      accuracy: 0.9,
      version: 'abc123def456',
      createdAt: '2024-05-01T10:00:00.000Z',
      classes: ['setosa', 'versicolor', 'virginica'],
      cv: { mean: 0.94, std: 0.033, folds: 5 },
    })
    expect(info.report.map((r) => r.name)).toEqual([
      'setosa',
      'versicolor',
      'virginica',
      'macro avg',
      'weighted avg',
    ])
    expect(info.report[1]).toEqual({
      name: 'versicolor',
      precision: 0.82,
      recall: 0.9,
      f1: 0.857,
      support: 10,
    })
    expect(info.importances.map((i) => i.name)).toEqual([
      'petal_length_cm',
      'petal_width_cm',
      'sepal_length_cm',
      'sepal_width_cm',
    ])
  })

  it('reads the same fields nested under "metadata"', () => {
    const info = readModelInfo({ name: 'iris_model', classes: ['a', 'b'], metadata })
    expect(info.classes).toEqual(['a', 'b'])
    expect(info.accuracy).toBe(0.9)
    expect(info.trainSamples).toBe(120)
  })

  it('leaves missing facts empty instead of inventing them', () => {
    const info = readModelInfo({ model_type: 'DecisionTreeClassifier', metrics: null })
    expect(info).toMatchObject({ accuracy: null, cv: null, report: [], importances: [], version: null })
    expect(readModelInfo('nonsense').classes).toBeNull()
  })
})
