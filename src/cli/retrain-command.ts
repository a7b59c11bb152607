/**
 * `iris retrain --registry DIR --name NAME [--data CSV …] [--seed N] [--shadow]`: trains the next version of a
 * registry name with `iris train`'s pipeline (src/train.ts) on the training data plus the labelled feedback rows
 * POST /feedback kept in `<root>/<name>/feedback.csv`, scores the new model and stable on the same hold-out
 * rows, registers the new version (no alias) and, with --shadow, starts a shadow rollout through the
 * registry's rollout commands, which running servers pick up on their next poll (or SIGHUP).
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { compareLabels } from '../data/csv.js'
import { type LoadedDataset, loadLabelledCsv } from '../data/load.js'
import { accuracy, type MaxFeatures, stratifiedTrainTestSplit } from '../ml/index.js'
import { FEEDBACK_FILE } from '../model/registry/feedback-file.js'
import { loadVersion, Registry, RegistryError, STABLE, type VersionInfo } from '../model/registry/index.js'
import { startRollout } from '../model/rollout/commands.js'
import { TRAIN_DEFAULTS, type TrainOptions, train } from '../train.js'
import { intFlag, nameFlag } from './flag-values.js'
import type { CliIo } from './io.js'
import { type FlagSpec, formatFlagHelp } from './parse.js'
import { EXIT_OK, UsageError } from './usage-error.js'

const FLAGS: Record<string, FlagSpec> = {
  registry: { value: '<dir>', description: 'registry root (MODELS_DIR of the server); required' },
  name: { value: '<name>', description: 'model name in the registry; required' },
  data: {
    value: '<csv>',
    description: 'training CSV, may be repeated (same columns)',
    default: 'the data stable was trained on, if its metadata names it',
  },
  seed: { value: '<n>', description: 'seed of the split and the forest', default: "stable's seed, else 42" },
  shadow: { description: 'start a shadow rollout of the new version beside stable' },
}

export const RETRAIN_HELP = `Usage: iris retrain --registry <dir> --name <name> [flags]

Trains the next version of <name> on the training data plus the labelled feedback rows in
<registry>/<name>/${FEEDBACK_FILE} (kept by POST /feedback), with stable's hyperparameters; prints the new
model's and stable's accuracy on the same stratified hold-out rows; registers the new version (no alias).
With --shadow the new version is put beside stable as a shadow rollout (servers pick it up on their next poll).

Flags:
${formatFlagHelp(FLAGS)}`

interface RetrainArgs {
  registry: string
  name: string
  data: string[]
  seed: number | null
  shadow: boolean
}

function parse(args: string[]): RetrainArgs | 'help' {
  let v: Record<string, string | boolean | string[] | undefined>
  try {
    v = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        registry: { type: 'string' },
        name: { type: 'string' },
        data: { type: 'string', multiple: true },
        seed: { type: 'string' },
        shadow: { type: 'boolean' },
      },
    }).values
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
  }
  if (v.help === true) return 'help'
  const registry = typeof v.registry === 'string' ? v.registry.trim() : ''
  if (registry === '') throw new UsageError('--registry <dir> is required')
  if (typeof v.name !== 'string') throw new UsageError('--name <name> is required')
  const data = (v.data as string[] | undefined) ?? []
  if (data.some((d) => d.trim() === '')) throw new UsageError('--data needs a CSV file')
  return {
    registry,
    name: nameFlag(v.name),
    data,
    seed: typeof v.seed === 'string' ? intFlag('--seed', v.seed, 0, 0xffffffff) : null,
    shadow: v.shadow === true,
  }
}

type Json = Record<string, unknown>
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined)

async function metadataOf(info: VersionInfo): Promise<Json> {
  if (info.metadataPath === null) return {}
  return JSON.parse(await readFile(info.metadataPath, 'utf8')) as Json
}

/** `iris train`'s options with stable's hyperparameters (where its metadata records them). */
function optionsFrom(meta: Json, a: RetrainArgs, data: string): TrainOptions {
  const d = TRAIN_DEFAULTS
  const h = (meta.hyperparameters ?? {}) as Json
  const t = (meta.training ?? {}) as Json
  const mf = h.max_features
  return {
    ...d,
    data,
    target: typeof t.target === 'string' ? t.target : null,
    trees: num(h.n_estimators) ?? d.trees,
    maxDepth: h.max_depth === null ? null : (num(h.max_depth) ?? d.maxDepth),
    minSamplesSplit: num(h.min_samples_split) ?? d.minSamplesSplit,
    minSamplesLeaf: num(h.min_samples_leaf) ?? d.minSamplesLeaf,
    maxFeatures: (mf === null
      ? 'all'
      : typeof mf === 'string' || typeof mf === 'number'
        ? mf
        : d.maxFeatures) as MaxFeatures,
    testSize: num(t.test_size) ?? d.testSize,
    seed: a.seed ?? num(meta.seed) ?? d.seed,
    cv: t.cv_folds === null ? null : (num(t.cv_folds) ?? d.cv),
    name: a.name,
    registry: a.registry,
  }
}

/** The training files: --data, else the one stable's metadata names (a clear error when there is none). */
function dataPaths(a: RetrainArgs, meta: Json, stable: VersionInfo): string[] {
  if (a.data.length > 0) return a.data
  const recorded = (meta.training as Json | undefined)?.data
  if (typeof recorded !== 'string' || recorded === '')
    throw new UsageError(
      `stable version ${stable.version} of "${a.name}" does not record its training data: give --data <csv>`,
    )
  return [recorded]
}

function sameColumns(d: LoadedDataset, first: LoadedDataset): void {
  const got = [...d.featureNames, d.targetName].join(',')
  const want = [...first.featureNames, first.targetName].join(',')
  if (got !== want)
    throw new RegistryError(
      'conflict',
      `${d.path} has columns "${got.slice(0, 100)}", the training data ${first.path} has "${want.slice(0, 100)}"`,
    )
}

/** Every training file, then the feedback rows, as one dataset (classes re-sorted as scikit-learn does). */
async function combined(
  paths: string[],
  target: string | null,
  feedbackPath: string,
): Promise<{ dataset: LoadedDataset; feedbackRows: number }> {
  const options = target === null ? {} : { target }
  const parts: LoadedDataset[] = []
  for (const p of paths) parts.push(await loadLabelledCsv(p, options))
  const first = parts[0]!
  let feedbackRows = 0
  // Feedback may hold one class only; a missing file or a header alone is no rows.
  const text = await readFile(feedbackPath, 'utf8').catch(() => '')
  const fb =
    text.trim().split('\n').length < 2
      ? null
      : await loadLabelledCsv(feedbackPath, { target: first.targetName, oneClassOk: true })
  if (fb !== null) {
    parts.push(fb)
    feedbackRows = fb.X.length
  }
  for (const d of parts) sameColumns(d, first)
  const y = parts.flatMap((d) => d.y)
  return {
    dataset: {
      X: parts.flatMap((d) => d.X),
      y,
      featureNames: first.featureNames,
      targetName: first.targetName,
      classNames: [...new Set(y)].sort(compareLabels),
      path: parts.map((d) => d.path).join(' + '),
      sha256: parts.length === 1 ? first.sha256 : hashOf(parts),
    },
    feedbackRows,
  }
}

function hashOf(parts: readonly LoadedDataset[]): string {
  const h = createHash('sha256')
  for (const d of parts) h.update(d.sha256)
  return h.digest('hex')
}

/** Stable's accuracy on the rows at `idx`. */
async function stableAccuracy(info: VersionInfo, ds: LoadedDataset, idx: readonly number[]): Promise<number> {
  const model = await loadVersion(info)
  if (model.featureNames.join(',') !== ds.featureNames.join(','))
    throw new RegistryError(
      'conflict',
      `stable version ${info.version} takes "${model.featureNames.join(',')}", the data has "${ds.featureNames.join(',')}"`,
    )
  const rows = new Float64Array(idx.length * model.nFeatures)
  for (const [i, r] of idx.entries()) rows.set(ds.X[r]!, i * model.nFeatures)
  const pred = Array.from(model.predictIndices(rows, idx.length), (k) => model.classes[k]!)
  return accuracy(
    idx.map((r) => ds.y[r]!),
    pred,
  )
}

export async function retrainCommand(args: string[], io: CliIo): Promise<number> {
  const a = parse(args)
  if (a === 'help') {
    io.out(`${RETRAIN_HELP}\n`)
    return EXIT_OK
  }
  const registry = new Registry(a.registry)
  const snapshot = await registry.snapshot(a.name)
  if (snapshot.versions.length === 0)
    throw new RegistryError('not_found', `model "${a.name}" has no versions in ${registry.root}`)
  const stableVersion = snapshot.aliases[STABLE]
  if (stableVersion === undefined)
    throw new RegistryError('conflict', `model "${a.name}" has no stable version`)
  const stable = await registry.resolve(a.name, stableVersion)
  const meta = await metadataOf(stable)
  const paths = dataPaths(a, meta, stable)
  const options = optionsFrom(meta, a, paths.join(' + '))
  const feedbackPath = join(registry.nameDir(a.name), FEEDBACK_FILE)
  const { dataset, feedbackRows } = await combined(paths, options.target, feedbackPath)

  const r = await train(options, undefined, dataset)
  const split = stratifiedTrainTestSplit(dataset.y, { testSize: options.testSize, seed: options.seed })
  const stableAcc = await stableAccuracy(stable, dataset, split.test)
  const version = r.registered!.version
  const lines = [
    `Data: ${paths.join(' + ')} (${dataset.X.length - feedbackRows} rows) + ${feedbackRows} feedback rows from ${feedbackPath}`,
    `Hold-out: ${split.test.length} rows (stratified, seed ${options.seed}); ${options.trees} trees`,
    `Accuracy on the hold-out: new version ${version} ${r.testAccuracy.toFixed(4)}, stable version ${stable.version} ${stableAcc.toFixed(4)}`,
    `Registered version ${version} of "${a.name}" (no alias yet)`,
  ]
  if (a.shadow) {
    await startRollout(registry, a.name, { candidate: version, mode: 'shadow', weight: 0 }, 'iris retrain')
    lines.push(
      `Shadow rollout started: version ${version} beside stable ${stable.version} (servers follow on their next registry poll)`,
    )
  }
  io.out(`${lines.join('\n')}\n`)
  return EXIT_OK
}
