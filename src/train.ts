import { basename, join } from 'node:path'
import { type LoadedDataset, loadLabelledCsv } from './data/load.js'
import {
  accuracy,
  type ClassificationReport,
  classificationReport,
  confusionMatrix,
  type MaxFeatures,
  RandomForestClassifier,
  type RandomForestOptions,
  stratifiedKFold,
  stratifiedTrainTestSplit,
} from './ml/index.js'
import { type SavedModel, saveModel } from './model/artifact.js'
import { buildReferenceProfile } from './model/reference-profile.js'
import { type AddedVersion, Registry } from './model/registry/index.js'
import { serviceSource } from './model/service-source.js'
import { summariseTrainingData } from './model/training-summary.js'

/** Everything `iris train` takes; the CLI fills the defaults (see TRAIN_DEFAULTS). */
export interface TrainOptions {
  data: string
  /** Label column; null = the last column. */
  target: string | null
  trees: number
  maxDepth: number | null
  minSamplesSplit: number
  minSamplesLeaf: number
  maxFeatures: MaxFeatures
  testSize: number
  seed: number
  /** Stratified k-fold on the whole dataset; null = skip. */
  cv: number | null
  out: string
  name: string
  /** Registry root: add the model as the next version of `name` there instead of writing to `out`. */
  registry: string | null
}

export const TRAIN_DEFAULTS: TrainOptions = {
  data: 'data/iris.csv',
  target: null,
  trees: 100,
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  testSize: 0.2,
  seed: 42,
  cv: 5,
  out: 'models',
  name: 'iris_model',
  registry: null,
}

export interface CvResult {
  mean: number
  std: number
  folds: number[]
}

export interface TrainResult {
  dataset: LoadedDataset
  trainSamples: number
  testSamples: number
  testAccuracy: number
  report: ClassificationReport
  confusion: { labels: string[]; matrix: number[][] }
  /** [feature, importance], most important first. */
  importances: [string, number][]
  cv: CvResult | null
  saved: SavedModel
  /** The version added when `registry` was given. */
  registered: AddedVersion | null
}

/** data -> stratified split -> fit -> evaluate (+ k-fold CV) -> the two model files. */
export async function train(
  options: TrainOptions,
  now: () => Date = () => new Date(),
  /** Rows already loaded (iris retrain: training data + feedback); else read from `options.data`. */
  loaded?: LoadedDataset,
): Promise<TrainResult> {
  const dataset =
    loaded ?? (await loadLabelledCsv(options.data, options.target === null ? {} : { target: options.target }))
  const forestOptions: RandomForestOptions = {
    nEstimators: options.trees,
    maxDepth: options.maxDepth,
    minSamplesSplit: options.minSamplesSplit,
    minSamplesLeaf: options.minSamplesLeaf,
    maxFeatures: options.maxFeatures,
    seed: options.seed,
  }
  const { X, y } = dataset
  const split = stratifiedTrainTestSplit(y, { testSize: options.testSize, seed: options.seed })
  const pick = <T>(a: readonly T[], idx: readonly number[]) => idx.map((i) => a[i]!)
  const yTest = pick(y, split.test)
  const clf = new RandomForestClassifier(forestOptions).fit(pick(X, split.train), pick(y, split.train))
  const yPred = clf.predict(pick(X, split.test))

  const labels = [...clf.classes]
  const report = classificationReport(yTest, yPred)
  const importances = dataset.featureNames
    .map((name, f): [string, number] => [name, clf.featureImportances[f]!])
    .sort((a, b) => b[1] - a[1])
  const cv = options.cv === null ? null : crossValidate(X, y, options.cv, forestOptions)

  const hyperparameters = {
    n_estimators: options.trees,
    criterion: 'gini',
    max_depth: options.maxDepth,
    min_samples_split: options.minSamplesSplit,
    min_samples_leaf: options.minSamplesLeaf,
    max_features: options.maxFeatures === 'all' ? null : options.maxFeatures,
    bootstrap: true,
    random_state: options.seed,
  }
  const source = serviceSource()
  const save = (dir: string) =>
    saveModel(
      dir,
      options.name,
      {
        modelType: 'RandomForestClassifier',
        source,
        featureNames: dataset.featureNames,
        classes: labels,
        hyperparameters,
        forest: clf.forest,
        // The training rows' profile, what drift detection compares live traffic with.
        reference: buildReferenceProfile(
          pick(X, split.train),
          pick(y, split.train),
          dataset.featureNames,
          labels,
        ),
      },
      {
        model_type: 'RandomForestClassifier',
        n_estimators: options.trees,
        feature_names: dataset.featureNames,
        target_names: labels,
        metrics: report,
        feature_importance: Object.fromEntries(
          dataset.featureNames.map((n, f) => [n, clf.featureImportances[f]!]),
        ),
        train_samples: split.train.length,
        test_samples: split.test.length,
        hyperparameters,
        seed: options.seed,
        cv_accuracy: cv,
        confusion_matrix: { labels, matrix: confusionMatrix(yTest, yPred, labels) },
        training: {
          data: options.data,
          target: dataset.targetName,
          test_size: options.testSize,
          cv_folds: options.cv,
        },
        data_sha256: dataset.sha256,
        created_at: now().toISOString(),
        // What the web page builds its inputs, examples and scatter plot from (src/model/training-summary.ts).
        training_summary: summariseTrainingData(X, y, dataset.featureNames, labels),
      },
    )
  const { saved, registered } = await saveOrRegister(options, save)
  return {
    dataset,
    trainSamples: split.train.length,
    testSamples: split.test.length,
    testAccuracy: accuracy(yTest, yPred),
    report,
    confusion: { labels, matrix: confusionMatrix(yTest, yPred, labels) },
    importances,
    cv,
    saved,
    registered,
  }
}

/** Writes the files to `out`, or into a temp folder that the registry renames to the next version. */
async function saveOrRegister(
  options: TrainOptions,
  save: (dir: string) => Promise<SavedModel>,
): Promise<{ saved: SavedModel; registered: AddedVersion | null }> {
  if (options.registry === null) return { saved: await save(options.out), registered: null }
  let inTemp: SavedModel | undefined
  const registered = await new Registry(options.registry).addVersion(options.name, async (dir) => {
    inTemp = await save(dir)
  })
  const saved = inTemp as SavedModel
  return {
    saved: {
      ...saved,
      modelPath: registered.modelPath,
      metadataPath: join(registered.dir, basename(saved.metadataPath)),
    },
    registered,
  }
}

/** Stratified, shuffled k-fold accuracy; std is the population std (numpy's default, as sklearn reports). */
export function crossValidate(
  X: readonly number[][],
  y: readonly string[],
  k: number,
  forestOptions: RandomForestOptions,
): CvResult {
  const folds = stratifiedKFold(y, { k, shuffle: true, seed: forestOptions.seed ?? 0 }).map(
    ({ train, test }) => {
      const clf = new RandomForestClassifier(forestOptions).fit(
        train.map((i) => X[i]!),
        train.map((i) => y[i]!),
      )
      return accuracy(
        test.map((i) => y[i]!),
        clf.predict(test.map((i) => X[i]!)),
      )
    },
  )
  const mean = folds.reduce((a, b) => a + b, 0) / folds.length
  const std = Math.sqrt(folds.reduce((a, b) => a + (b - mean) ** 2, 0) / folds.length)
  return { mean, std, folds }
}
