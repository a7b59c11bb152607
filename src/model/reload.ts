/**
 * Model reloads without downtime. A `SwappableModel` is the PredictionModel the app serves: it forwards to
 * `current`, which `reloadModel` replaces in one assignment only after the new file has been fully loaded
 * and validated by the loader and found compatible (same features in the same order, same classes in the
 * same order). Because compatible models agree on features and classes, a request that reads `classes`
 * before a swap and predicts after it still gets a consistent answer: no request sees a half-loaded model.
 */
import { realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { ModelMetadata, PredictionModel } from './types.js'

export type ModelLoader = (path: string) => Promise<PredictionModel> | PredictionModel

/** The new model does not fit the running service (other features or other classes). */
export class ModelIncompatibleError extends Error {
  override name = 'ModelIncompatibleError'
}

/** A reload path that is not a file inside the models folder. */
export class ModelPathError extends Error {
  override name = 'ModelPathError'
}

export class SwappableModel implements PredictionModel {
  private listeners: ((model: PredictionModel) => void)[] = []

  constructor(
    public current: PredictionModel,
    /** The file `current` came from (absolute): a reload without a path re-reads it. */
    public path: string,
  ) {}

  get name(): string {
    return this.current.name
  }
  get version(): string {
    return this.current.version
  }
  get featureNames(): readonly string[] {
    return this.current.featureNames
  }
  get classes(): readonly string[] {
    return this.current.classes
  }
  get nFeatures(): number {
    return this.current.nFeatures
  }
  get nClasses(): number {
    return this.current.nClasses
  }
  get metadata(): ModelMetadata {
    return this.current.metadata
  }
  predictProba(rows: Float64Array, nRows: number): Float64Array {
    return this.current.predictProba(rows, nRows)
  }
  predictIndices(rows: Float64Array, nRows: number): Int32Array {
    return this.current.predictIndices(rows, nRows)
  }

  /** Called after every swap (e.g. to move the model_info metric to the new version). */
  onSwap(listener: (model: PredictionModel) => void): void {
    this.listeners.push(listener)
  }

  swap(next: PredictionModel, path: string): void {
    this.current = next
    this.path = path
    for (const l of this.listeners) l(next)
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

export function assertCompatible(current: PredictionModel, next: PredictionModel, file: string): void {
  if (!sameList(current.featureNames, next.featureNames)) {
    throw new ModelIncompatibleError(
      `${file}: features [${next.featureNames.join(', ')}] differ from the serving model's [${current.featureNames.join(', ')}]`,
    )
  }
  if (!sameList(current.classes, next.classes)) {
    throw new ModelIncompatibleError(
      `${file}: classes [${next.classes.join(', ')}] differ from the serving model's [${current.classes.join(', ')}]`,
    )
  }
}

export interface ReloadOutcome {
  previousVersion: string
  version: string
  path: string
}

/**
 * Load, validate and check `path`, then swap. On any failure the serving model is untouched and the
 * loader's (or our) error propagates. Reloads are serialised per holder so two never interleave.
 */
const queues = new WeakMap<SwappableModel, Promise<unknown>>()

export function reloadModel(
  holder: SwappableModel,
  load: ModelLoader,
  path = holder.path,
): Promise<ReloadOutcome> {
  const run = async (): Promise<ReloadOutcome> => {
    const next = await load(path)
    assertCompatible(holder.current, next, path)
    const previousVersion = holder.version
    holder.swap(next, path)
    return { previousVersion, version: next.version, path }
  }
  const prev = queues.get(holder) ?? Promise.resolve()
  const result = prev.then(run, run)
  queues.set(
    holder,
    result.catch(() => undefined),
  )
  return result
}

/**
 * Resolve a client-supplied model path inside `modelsDir`: relative paths are taken from modelsDir,
 * absolute ones must already point inside it; `..` escapes and symlinks leading outside are refused.
 */
export function resolveModelPath(modelsDir: string, requested: string): string {
  if (requested.length === 0 || requested.length > 1024 || requested.includes('\0')) {
    throw new ModelPathError('path must be a non-empty file name inside the models folder')
  }
  const root = resolve(modelsDir)
  const target = resolve(root, requested)
  if (!inside(root, target)) throw new ModelPathError(`path "${requested}" is outside the models folder`)
  let realRoot: string
  let realTarget: string
  try {
    realRoot = realpathSync(root)
    realTarget = realpathSync(target)
  } catch {
    throw new ModelPathError(`path "${requested}" does not exist in the models folder`)
  }
  if (!inside(realRoot, realTarget))
    throw new ModelPathError(`path "${requested}" is outside the models folder`)
  return realTarget
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}

/** A message safe to show a client: absolute paths of the models folder become relative ones. */
export function publicMessage(message: string, modelsDir: string): string {
  const root = resolve(modelsDir)
  let realRoot = root
  try {
    realRoot = realpathSync(root)
  } catch {}
  return message
    .split(`${realRoot}${sep}`)
    .join('')
    .split(`${root}${sep}`)
    .join('')
    .replace(/(?:\/[\w.-]+){2,}/g, (p) => p.slice(p.lastIndexOf('/') + 1))
}

/** A refused reload, with a message fit for a client (no absolute paths). */
export class ModelReloadError extends Error {
  override name = 'ModelReloadError'
}

export interface ReloadReport {
  previousVersion: string
  version: string
  /** The model file, relative to the models folder. */
  file: string
  /** How many processes now serve `version` (1 without a cluster). */
  workers: number
}

/** What POST /admin/reload and SIGHUP call: `requested` is a client path inside the models folder. */
export type Reloader = (requested?: string) => Promise<ReloadReport>

export function publicFile(path: string, modelsDir: string): string {
  return publicMessage(path, modelsDir)
}

/** Reload within this process: resolve (refusing escapes), load, validate, check, swap. */
export function localReloader(holder: SwappableModel, load: ModelLoader, modelsDir: string): Reloader {
  return async (requested) => {
    const path = requested === undefined ? holder.path : resolveModelPath(modelsDir, requested)
    try {
      const outcome = await reloadModel(holder, load, path)
      return {
        previousVersion: outcome.previousVersion,
        version: outcome.version,
        file: publicFile(path, modelsDir),
        workers: 1,
      }
    } catch (err) {
      throw new ModelReloadError(
        `model reload refused, still serving ${holder.version}: ${publicMessage((err as Error).message, modelsDir)}`,
      )
    }
  }
}
