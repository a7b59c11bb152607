/** Public API of the ml layer (pure TypeScript: no Node, no Fastify). */
export {
  EmptyTrainingDataError,
  FeatureCountError,
  InvalidHyperParameterError,
  LengthMismatchError,
  MlError,
  type MlErrorCode,
  NonFiniteInputError,
  NotFittedError,
  SingleClassError,
} from './errors.js'
export { type FlatTree, type Forest, LEAF } from './flat-tree.js'
export { RandomForestClassifier } from './forest.js'
export {
  accuracy,
  type ClassificationReport,
  type ClassMetrics,
  classificationReport,
  confusionMatrix,
  labelsOf,
} from './metrics.js'
export { stratifiedKFold, stratifiedTrainTestSplit, type TrainTest } from './model-selection.js'
export type { MaxFeatures, RandomForestOptions, ResolvedOptions } from './params.js'
export { argmaxRow, compileForest, type ForestPredictor } from './predictor.js'
export { Random } from './random.js'
export { type Rows, rowsToMatrix } from './validate.js'
