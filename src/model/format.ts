/** The on-disk model format (docs/model-format.md): names, version and JSON shapes. */
import type { ReferenceJson } from './reference-profile.js'

export const MODEL_FORMAT = 'iris-forest'
/** 2 adds the optional "reference" profile for drift detection; 1 (without it) still loads. */
export const MODEL_FORMAT_VERSION = 2
/** The versions this build can read. */
export const SUPPORTED_FORMAT_VERSIONS: readonly number[] = [1, 2]

export interface TreeJson {
  node_count: number
  children_left: number[]
  children_right: number[]
  feature: number[]
  threshold: number[]
  value: number[]
  n_node_samples: number[]
  weighted_n_node_samples: number[]
}

export interface ModelFileJson {
  format: typeof MODEL_FORMAT
  format_version: number
  model_type: string
  source: string
  feature_names: string[]
  classes: string[]
  n_features: number
  n_classes: number
  hyperparameters: Record<string, unknown>
  /** Version 2 only, optional: the training data's profile (src/model/reference-profile.ts). */
  reference?: ReferenceJson
  trees: TreeJson[]
}

/** Model types we can serve: all are forests of CART trees with class-distribution leaves. */
export const KNOWN_MODEL_TYPES: readonly string[] = [
  'RandomForestClassifier',
  'ExtraTreesClassifier',
  'DecisionTreeClassifier',
]
