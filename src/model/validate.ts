import { type FlatTree, type Forest, LEAF } from '../ml/flat-tree.js'
import { KNOWN_MODEL_TYPES, MODEL_FORMAT, SUPPORTED_FORMAT_VERSIONS } from './format.js'
import {
  arrayAt,
  describe,
  Fault,
  intAt,
  isObject,
  type JsonObject,
  numbersAt,
  objectAt,
  parseJson,
  stringAt,
  uniqueStringsAt,
} from './json-checks.js'
import { type ReferenceProfile, validateReference } from './reference-profile.js'

/** A model file checked against every rule of docs/model-format.md, with its trees as typed arrays. */
export interface ValidatedModel {
  formatVersion: number
  modelType: string
  source: string
  featureNames: string[]
  classes: string[]
  hyperparameters: Record<string, unknown>
  forest: Forest
  /** The drift reference (format version 2, when the file has one), else null. */
  reference: ReferenceProfile | null
}

const SUM_TOLERANCE = 1e-9

/** Parses and validates model JSON text. Throws Fault (message without the file name) on the first fault. */
export function validateModelText(text: string): ValidatedModel {
  const root = parseJson(text)
  if (!isObject(root)) throw new Fault(`the top level is ${describe(root)}, expected an object`)
  const format = field(root, 'format')
  if (format !== MODEL_FORMAT) throw new Fault(`format is ${describe(format)}, expected "${MODEL_FORMAT}"`)
  const formatVersion = intAt(root, 'format_version')
  if (!SUPPORTED_FORMAT_VERSIONS.includes(formatVersion)) {
    throw new Fault(
      `format_version ${formatVersion} is not supported (this build reads ${SUPPORTED_FORMAT_VERSIONS.join(', ')})`,
    )
  }
  const modelType = stringAt(root, 'model_type')
  if (!KNOWN_MODEL_TYPES.includes(modelType)) {
    throw new Fault(
      `model_type "${modelType}" is not supported (expected one of ${KNOWN_MODEL_TYPES.join(', ')})`,
    )
  }
  const source = stringAt(root, 'source')
  const featureNames = uniqueStringsAt(root, 'feature_names')
  const classes = uniqueStringsAt(root, 'classes')
  const nFeatures = intAt(root, 'n_features', '', 1)
  const nClasses = intAt(root, 'n_classes', '', 1)
  if (featureNames.length !== nFeatures) {
    throw new Fault(`feature_names has ${featureNames.length} entries, expected n_features = ${nFeatures}`)
  }
  if (classes.length !== nClasses)
    throw new Fault(`classes has ${classes.length} entries, expected n_classes = ${nClasses}`)
  const hyperparameters = objectAt(root, 'hyperparameters')
  const treeList = arrayAt(root, 'trees')
  if (treeList.length === 0) throw new Fault('trees is empty: a forest needs at least one tree')
  const trees = treeList.map((t, i) => validateTree(t, `trees[${i}].`, nFeatures, nClasses))
  if ('reference' in root && formatVersion < 2) {
    throw new Fault(`reference appears in a format_version ${formatVersion} file (it needs version 2)`)
  }
  const reference = 'reference' in root ? validateReference(root.reference, featureNames, classes) : null
  return {
    formatVersion,
    modelType,
    source,
    featureNames,
    classes,
    hyperparameters,
    forest: { nFeatures, nClasses, trees },
    reference,
  }
}

function field(obj: JsonObject, key: string): unknown {
  if (!(key in obj)) throw new Fault(`missing field "${key}"`)
  return obj[key]
}

function validateTree(raw: unknown, path: string, nFeatures: number, nClasses: number): FlatTree {
  if (!isObject(raw)) throw new Fault(`${path.slice(0, -1)} is ${describe(raw)}, expected an object`)
  const n = intAt(raw, 'node_count', path, 1)
  const ints = (key: string) => numbersAt(raw, key, path, n, 'node_count', 'int') as Int32Array
  const floats = (key: string, len = n, lenName = 'node_count') =>
    numbersAt(raw, key, path, len, lenName, 'float') as Float64Array
  const childrenLeft = ints('children_left')
  const childrenRight = ints('children_right')
  const feature = ints('feature')
  const threshold = floats('threshold')
  const value = floats('value', n * nClasses, `node_count * n_classes`)
  const nNodeSamples = ints('n_node_samples')
  const weightedNNodeSamples = floats('weighted_n_node_samples')

  const parents = new Int32Array(n).fill(-1)
  for (let node = 0; node < n; node++) {
    const left = childrenLeft[node]!
    const right = childrenRight[node]!
    if (left === LEAF || right === LEAF) {
      if (left !== right) {
        throw new Fault(
          `${path}children_left[${node}] = ${left} and children_right[${node}] = ${right}: a leaf has both -1`,
        )
      }
      checkLeafValue(value, node, nClasses, path)
      continue
    }
    for (const [side, child] of [
      ['children_left', left],
      ['children_right', right],
    ] as const) {
      if (child <= node || child >= n) {
        throw new Fault(`${path}${side}[${node}] = ${child} is out of range (must be in (${node}, ${n}))`)
      }
      if (parents[child] !== -1) {
        throw new Fault(`${path}${side}[${node}] = ${child} is already a child of node ${parents[child]}`)
      }
      parents[child] = node
    }
    const f = feature[node]!
    if (f < 0 || f >= nFeatures) {
      throw new Fault(`${path}feature[${node}] = ${f} is out of range (n_features = ${nFeatures})`)
    }
  }
  for (let node = 1; node < n; node++) {
    if (parents[node] === -1)
      throw new Fault(`${path.slice(0, -1)}: node ${node} is not reachable from the root`)
  }
  for (let i = 0; i < n; i++) {
    if (nNodeSamples[i]! < 0) throw new Fault(`${path}n_node_samples[${i}] = ${nNodeSamples[i]} is negative`)
    if (weightedNNodeSamples[i]! < 0) {
      throw new Fault(`${path}weighted_n_node_samples[${i}] = ${weightedNNodeSamples[i]} is negative`)
    }
  }
  return {
    nodeCount: n,
    nClasses,
    childrenLeft,
    childrenRight,
    feature,
    threshold,
    value,
    nNodeSamples,
    weightedNNodeSamples,
  }
}

function checkLeafValue(value: Float64Array, node: number, nClasses: number, path: string): void {
  let sum = 0
  for (let c = 0; c < nClasses; c++) {
    const v = value[node * nClasses + c]!
    if (v < 0)
      throw new Fault(`${path}value[${node * nClasses + c}] = ${v} is negative (leaf ${node}, class ${c})`)
    sum += v
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new Fault(
      `${path}value of leaf ${node} sums to ${sum}, expected 1 (a class distribution over ${nClasses} classes)`,
    )
  }
}
