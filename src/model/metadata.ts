import { impurityImportances } from './importance.js'
import { describe, Fault, isObject, type JsonObject, parseJson } from './json-checks.js'
import { summariseSplits } from './training-summary.js'
import { checkTrainingSummary } from './training-summary-check.js'
import type { ModelMetadata } from './types.js'
import type { ValidatedModel } from './validate.js'

/**
 * Metadata for a model that ships without a `_metadata.json` (e.g. a scikit-learn export): everything
 * that can be known from the model file itself, with importances recomputed from the trees.
 */
export function deriveMetadata(model: ValidatedModel, modelVersion: string): ModelMetadata {
  const importances = impurityImportances(model.forest)
  return {
    model_type: model.modelType,
    n_estimators: model.forest.trees.length,
    feature_names: [...model.featureNames],
    target_names: [...model.classes],
    metrics: null,
    feature_importance: Object.fromEntries(model.featureNames.map((name, f) => [name, importances[f]!])),
    train_samples: null,
    test_samples: null,
    hyperparameters: { ...model.hyperparameters },
    seed: typeof model.hyperparameters.random_state === 'number' ? model.hyperparameters.random_state : null,
    cv_accuracy: null,
    data_sha256: null,
    created_at: null,
    format_version: model.formatVersion,
    model_version: modelVersion,
    source: model.source,
    // No training data with the model: the page's input ranges come from where its trees split.
    training_summary: summariseSplits(model.forest, model.featureNames, model.classes),
  }
}

type Check = (v: unknown) => boolean
const isString: Check = (v) => typeof v === 'string'
const isInt: Check = (v) => typeof v === 'number' && Number.isInteger(v)
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v)
const isStringList: Check = (v) => Array.isArray(v) && v.every(isString)
const isNumberMap: Check = (v) =>
  isObject(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x))
const isCv: Check = (v) =>
  isObject(v) &&
  typeof v.mean === 'number' &&
  typeof v.std === 'number' &&
  Array.isArray(v.folds) &&
  v.folds.every((x) => typeof x === 'number')

const FIELD_CHECKS: Record<string, [Check, string]> = {
  model_type: [isString, 'a string'],
  n_estimators: [isInt, 'an integer'],
  feature_names: [isStringList, 'an array of strings'],
  target_names: [isStringList, 'an array of strings'],
  metrics: [orNull(isObject), 'an object or null'],
  feature_importance: [isNumberMap, 'an object of finite numbers'],
  train_samples: [orNull(isInt), 'an integer or null'],
  test_samples: [orNull(isInt), 'an integer or null'],
  hyperparameters: [isObject, 'an object'],
  cv_accuracy: [orNull(isCv), '{mean, std, folds} or null'],
  data_sha256: [orNull(isString), 'a string or null'],
  created_at: [orNull(isString), 'a string or null'],
  format_version: [isInt, 'an integer'],
  model_version: [isString, 'a string'],
  source: [isString, 'a string'],
}

/**
 * Checks a metadata file against its model: known fields must have the right types, names must match
 * the model, and a recorded model_version must be the model file's hash (else the pair is mismatched).
 * Missing fields are filled from the derived metadata. Throws Fault.
 */
export function validateMetadataText(
  text: string,
  model: ValidatedModel,
  modelVersion: string,
): ModelMetadata {
  const raw = parseJson(text)
  if (!isObject(raw)) throw new Fault(`the top level is ${describe(raw)}, expected an object`)
  for (const [key, [check, expected]] of Object.entries(FIELD_CHECKS)) {
    if (key in raw && !check(raw[key]))
      throw new Fault(`${key} is ${describe(raw[key])}, expected ${expected}`)
  }
  sameList(raw, 'feature_names', model.featureNames, 'the model feature_names')
  sameList(raw, 'target_names', model.classes, 'the model classes')
  if ('training_summary' in raw) checkTrainingSummary(raw.training_summary, model.featureNames, model.classes)
  if ('model_version' in raw && raw.model_version !== modelVersion) {
    throw new Fault(
      `model_version ${describe(raw.model_version)} does not match the model file (its SHA-256 starts ${modelVersion}): ` +
        'the metadata belongs to another model',
    )
  }
  return { ...deriveMetadata(model, modelVersion), ...raw } as ModelMetadata
}

function sameList(raw: JsonObject, key: string, expected: readonly string[], what: string): void {
  if (!(key in raw)) return
  const got = raw[key] as string[]
  if (got.length !== expected.length || got.some((v, i) => v !== expected[i])) {
    throw new Fault(`${key} ${JSON.stringify(got)} does not match ${what} ${JSON.stringify(expected)}`)
  }
}
