import type { FlatTree, Forest } from '../ml/flat-tree.js'
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type TreeJson } from './format.js'
import { type ReferenceProfile, referenceToJson } from './reference-profile.js'

export interface ModelDescription {
  modelType: string
  source: string
  featureNames: readonly string[]
  classes: readonly string[]
  hyperparameters: Record<string, unknown>
  forest: Forest
  /** The training data's profile for drift detection; written as "reference" when present. */
  reference?: ReferenceProfile | null
}

/**
 * Renders a model file. The output is a pure function of the forest and names (no timestamp, no path),
 * so the same training run gives the same bytes and the committed model can be checked byte for byte.
 * One tree per line keeps diffs readable.
 */
export function serializeModel(model: ModelDescription): string {
  const { forest } = model
  if (model.featureNames.length !== forest.nFeatures || model.classes.length !== forest.nClasses) {
    throw new RangeError(
      `names do not match the forest: ${model.featureNames.length} feature names for ${forest.nFeatures} features, ` +
        `${model.classes.length} classes for ${forest.nClasses}`,
    )
  }
  const head = {
    format: MODEL_FORMAT,
    format_version: MODEL_FORMAT_VERSION,
    model_type: model.modelType,
    source: model.source,
    feature_names: model.featureNames,
    classes: model.classes,
    n_features: forest.nFeatures,
    n_classes: forest.nClasses,
    hyperparameters: model.hyperparameters,
    ...(model.reference
      ? { reference: referenceToJson(model.reference, model.featureNames, model.classes) }
      : {}),
  }
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`)
  const trees = forest.trees.map((t) => `    ${JSON.stringify(treeToJson(t))}`).join(',\n')
  return `{\n${lines.join('\n')}\n  "trees": [\n${trees}\n  ]\n}\n`
}

export function treeToJson(tree: FlatTree): TreeJson {
  return {
    node_count: tree.nodeCount,
    children_left: Array.from(tree.childrenLeft),
    children_right: Array.from(tree.childrenRight),
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    value: Array.from(tree.value),
    n_node_samples: Array.from(tree.nNodeSamples),
    weighted_n_node_samples: Array.from(tree.weightedNNodeSamples),
  }
}
