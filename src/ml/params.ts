import { InvalidHyperParameterError } from './errors.js'
import type { TreeParams } from './tree.js'

export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number

/** User-facing options of RandomForestClassifier, with scikit-learn's defaults. */
export interface RandomForestOptions {
  /** Number of trees (default 100). */
  nEstimators?: number
  /** Maximum depth, null for unlimited (default null). */
  maxDepth?: number | null
  /** Integer >= 2, or a fraction in (0, 1] of the training rows (ceil), default 2. */
  minSamplesSplit?: number
  /** Integer >= 1, or a fraction in (0, 0.5] of the training rows (ceil), default 1. */
  minSamplesLeaf?: number
  /** 'sqrt' (default), 'log2', 'all', an integer count >= 1, or a fraction in (0, 1). */
  maxFeatures?: MaxFeatures
  bootstrap?: boolean
  oobScore?: boolean
  /** Integer in [0, 2^32). */
  seed?: number
}

export type ResolvedOptions = Required<RandomForestOptions>

/** Validates options once, at construction, naming the bad parameter and its value. */
export function resolveOptions(o: RandomForestOptions = {}): ResolvedOptions {
  const r: ResolvedOptions = {
    nEstimators: o.nEstimators ?? 100,
    maxDepth: o.maxDepth ?? null,
    minSamplesSplit: o.minSamplesSplit ?? 2,
    minSamplesLeaf: o.minSamplesLeaf ?? 1,
    maxFeatures: o.maxFeatures ?? 'sqrt',
    bootstrap: o.bootstrap ?? true,
    oobScore: o.oobScore ?? false,
    seed: o.seed ?? 42,
  }
  const bad = (name: string, value: unknown, expectation: string) => {
    throw new InvalidHyperParameterError(name, value, expectation)
  }
  if (!isInt(r.nEstimators) || r.nEstimators < 1) bad('nEstimators', r.nEstimators, 'an integer >= 1')
  if (r.maxDepth !== null && (!isInt(r.maxDepth) || r.maxDepth < 1))
    bad('maxDepth', r.maxDepth, 'null or an integer >= 1')
  const mss = r.minSamplesSplit
  if (!(isInt(mss) ? mss >= 2 : isNum(mss) && mss > 0 && mss <= 1))
    bad('minSamplesSplit', mss, 'an integer >= 2 or a fraction in (0, 1]')
  const msl = r.minSamplesLeaf
  if (!(isInt(msl) ? msl >= 1 : isNum(msl) && msl > 0 && msl <= 0.5))
    bad('minSamplesLeaf', msl, 'an integer >= 1 or a fraction in (0, 0.5]')
  const mf = r.maxFeatures
  if (typeof mf === 'string') {
    if (mf !== 'sqrt' && mf !== 'log2' && mf !== 'all')
      bad('maxFeatures', mf, "'sqrt', 'log2', 'all' or a number")
  } else if (!(isInt(mf) ? mf >= 1 : isNum(mf) && mf > 0 && mf < 1)) {
    bad('maxFeatures', mf, 'an integer >= 1 or a fraction in (0, 1)')
  }
  if (typeof r.bootstrap !== 'boolean') bad('bootstrap', r.bootstrap, 'a boolean')
  if (typeof r.oobScore !== 'boolean') bad('oobScore', r.oobScore, 'a boolean')
  if (r.oobScore && !r.bootstrap) bad('oobScore', r.oobScore, 'out-of-bag scores need bootstrap=true')
  if (!isInt(r.seed) || r.seed < 0 || r.seed > 0xffffffff) bad('seed', r.seed, 'an integer in [0, 2^32)')
  return r
}

/** Turns options into integer tree parameters for a training set of this size. */
export function treeParams(o: ResolvedOptions, nSamples: number, nFeatures: number): TreeParams {
  const mf = o.maxFeatures
  let maxFeatures: number
  if (mf === 'sqrt') maxFeatures = Math.max(1, Math.floor(Math.sqrt(nFeatures)))
  else if (mf === 'log2') maxFeatures = Math.max(1, Math.floor(Math.log2(nFeatures)))
  else if (mf === 'all') maxFeatures = nFeatures
  else if (Number.isInteger(mf)) {
    if (mf > nFeatures)
      throw new InvalidHyperParameterError('maxFeatures', mf, `at most the ${nFeatures} features`)
    maxFeatures = mf
  } else maxFeatures = Math.max(1, Math.floor(mf * nFeatures))
  const mss = o.minSamplesSplit
  const msl = o.minSamplesLeaf
  return {
    maxDepth: o.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesSplit: Number.isInteger(mss) ? mss : Math.max(2, Math.ceil(mss * nSamples)),
    minSamplesLeaf: Number.isInteger(msl) ? msl : Math.max(1, Math.ceil(msl * nSamples)),
    maxFeatures,
  }
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v)
}
