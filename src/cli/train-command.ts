import { TRAIN_DEFAULTS, type TrainOptions, train } from '../train.js'
import {
  countOrFraction,
  fractionFlag,
  intFlag,
  maxFeaturesFlag,
  nameFlag,
  optionalInt,
} from './flag-values.js'
import type { CliIo } from './io.js'
import { type FlagSpec, formatFlagHelp, parseFlags } from './parse.js'
import {
  formatClassificationReport,
  formatConfusionMatrix,
  formatCv,
  formatImportances,
} from './report-format.js'
import { EXIT_OK, UsageError } from './usage-error.js'

const d = TRAIN_DEFAULTS
export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  data: {
    value: '<csv>',
    description: 'labelled CSV: header, numeric features, one label column',
    default: d.data,
  },
  target: { value: '<column>', description: 'label column', default: 'the last column' },
  trees: { value: '<n>', description: 'number of trees, >= 1', default: String(d.trees) },
  'max-depth': { value: '<n|none>', description: 'maximum tree depth', default: 'none' },
  'min-samples-split': {
    value: '<n|f>',
    description: 'integer >= 2 or fraction in (0, 1]',
    default: String(d.minSamplesSplit),
  },
  'min-samples-leaf': {
    value: '<n|f>',
    description: 'integer >= 1 or fraction in (0, 0.5]',
    default: String(d.minSamplesLeaf),
  },
  'max-features': {
    value: '<m>',
    description: 'features drawn per split: sqrt, log2, all, integer or fraction',
    default: String(d.maxFeatures),
  },
  'test-size': {
    value: '<f>',
    description: 'hold-out fraction in (0, 1), stratified',
    default: String(d.testSize),
  },
  seed: {
    value: '<n>',
    description: 'seed of the split, the folds and the forest, in [0, 2^32)',
    default: String(d.seed),
  },
  cv: { value: '<k|none>', description: 'stratified k-fold CV on all rows, k >= 2', default: String(d.cv) },
  out: { value: '<dir>', description: 'output directory', default: d.out },
  name: {
    value: '<name>',
    description: 'writes <out>/<name>.json and <out>/<name>_metadata.json (with --registry: the model name)',
    default: d.name,
  },
  registry: {
    value: '<dir>',
    description:
      'add the model as the next version of --name in this registry (e.g. models) and print its number, instead of writing to --out',
  },
}

export const TRAIN_HELP = `Usage: iris train [flags]

Fits a RandomForest on a stratified train split, prints the hold-out classification report,
confusion matrix, feature importances and k-fold CV accuracy, then writes the model files atomically.

Flags:
${formatFlagHelp(TRAIN_FLAGS)}`

/** Turns flags into TrainOptions; any bad value is a UsageError naming the flag. */
export function parseTrainArgs(args: string[]): TrainOptions | 'help' {
  const { values: v, help } = parseFlags(args, TRAIN_FLAGS)
  if (help) return 'help'
  const cv =
    v.cv === undefined ? d.cv : v.cv.trim().toLowerCase() === 'none' ? null : intFlag('--cv', v.cv, 2)
  return {
    data: v.data ?? d.data,
    target: v.target ?? d.target,
    trees: v.trees === undefined ? d.trees : intFlag('--trees', v.trees, 1, 100_000),
    maxDepth: v['max-depth'] === undefined ? d.maxDepth : optionalInt('--max-depth', v['max-depth'], 1),
    minSamplesSplit:
      v['min-samples-split'] === undefined
        ? d.minSamplesSplit
        : countOrFraction('--min-samples-split', v['min-samples-split'], 2, 1),
    minSamplesLeaf:
      v['min-samples-leaf'] === undefined
        ? d.minSamplesLeaf
        : countOrFraction('--min-samples-leaf', v['min-samples-leaf'], 1, 0.5),
    maxFeatures: v['max-features'] === undefined ? d.maxFeatures : maxFeaturesFlag(v['max-features']),
    testSize: v['test-size'] === undefined ? d.testSize : fractionFlag('--test-size', v['test-size']),
    seed: v.seed === undefined ? d.seed : intFlag('--seed', v.seed, 0, 0xffffffff),
    cv,
    out: v.out ?? d.out,
    name: v.name === undefined ? d.name : nameFlag(v.name),
    registry: registryFlag(v.registry, v.out),
  }
}

function registryFlag(registry: string | undefined, out: string | undefined): string | null {
  if (registry === undefined) return null
  if (registry.trim() === '') throw new UsageError('--registry needs a folder')
  if (out !== undefined) throw new UsageError('give --out or --registry, not both')
  return registry
}

export async function trainCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseTrainArgs(args)
  if (options === 'help') {
    io.out(`${TRAIN_HELP}\n`)
    return EXIT_OK
  }
  const started = performance.now()
  const r = await train(options)
  const ms = performance.now() - started
  const ds = r.dataset
  const lines = [
    `Data: ${ds.path} (${ds.X.length} rows, ${ds.featureNames.length} features, target "${ds.targetName}", ` +
      `${ds.classNames.length} classes; sha256 ${ds.sha256.slice(0, 12)}...)`,
    `Split: ${r.trainSamples} train / ${r.testSamples} test (stratified, seed ${options.seed}); ${options.trees} trees`,
    '',
    'Classification report (hold-out):',
    formatClassificationReport(r.report),
    '',
    'Confusion matrix (rows: true, columns: predicted):',
    formatConfusionMatrix(r.confusion.labels, r.confusion.matrix),
    '',
    'Feature importances (mean decrease in impurity):',
    formatImportances(r.importances),
  ]
  if (r.cv)
    lines.push(
      '',
      `${r.cv.folds.length}-fold stratified CV accuracy (all rows, seed ${options.seed}):`,
      formatCv(r.cv),
    )
  lines.push(
    '',
    `Wrote ${r.saved.modelPath} (model_version ${r.saved.modelVersion}) and ${r.saved.metadataPath} in ${(ms / 1000).toFixed(2)} s`,
  )
  if (r.registered) {
    const aliases =
      r.registered.aliases.length > 0 ? ` (${r.registered.aliases.join(', ')})` : ' (no alias yet)'
    lines.push(`Registered version ${r.registered.version} of "${options.name}"${aliases}`)
  }
  io.out(`${lines.join('\n')}\n`)
  return EXIT_OK
}
