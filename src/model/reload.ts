/**
 * Model reloads without downtime. The new file is fully loaded and validated by the loader, then checked
 * against the serving model (same features in the same order, same classes in the same order), and only
 * then swapped in with one assignment; on any failure the serving model is untouched. Requests take the
 * model once from the slot, so none ever sees a half-loaded one.
 */
import { realpathSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { loadModel } from './load-model.js'
import type { PredictionModel } from './types.js'

export type ModelLoader = (path: string) => Promise<PredictionModel> | PredictionModel

/** The new model does not fit the running service (other features or other classes). */
export class ModelIncompatibleError extends Error {
  override name = 'ModelIncompatibleError'
}

/** A reload path that is not a file inside the models folder. */
export class ModelPathError extends Error {
  override name = 'ModelPathError'
}

/**
 * What the reloader needs of the served model's slot (./model-slot.ts's ModelSlot, or a test's stand-in):
 * requests read `current` once and use that model for the whole request; `swap` replaces it in one assignment.
 */
export interface SwappableSlot {
  readonly current: PredictionModel | null
  swap(next: PredictionModel): unknown
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

/**
 * The service keeps its model name across reloads (the name comes from the file name, and clients address
 * /v2/models/{name}): a new file changes the version, not the URL. Models are plain frozen objects whose
 * methods are closures, so a frozen copy with another name behaves the same.
 */
function keepName(model: PredictionModel, name: string): PredictionModel {
  return model.name === name ? model : Object.freeze({ ...model, name })
}

export interface ReloadOutcome {
  previousVersion: string
  version: string
  path: string
}

/** MODELS_DIR (absolute), defaulting to the folder of MODEL_PATH. */
export function modelsDirOf(modelsDir: string, modelPath: string): string {
  return resolve(modelsDir === '' ? dirname(modelPath) : modelsDir)
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

/**
 * Reloads for one slot: tracks which file serves (a reload without a path re-reads it) and serialises
 * reloads so two never interleave.
 */
export class ModelReloader {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly slot: SwappableSlot,
    readonly load: ModelLoader,
    readonly modelsDir: string,
    /** The serving file, absolute. */
    public path: string,
  ) {}

  /** Load, validate, check and swap an already resolved (trusted) path. */
  reloadFile(path: string = this.path): Promise<ReloadOutcome> {
    const run = async (): Promise<ReloadOutcome> => {
      const serving = this.slot.current
      let next = await this.load(path)
      if (serving !== null) {
        assertCompatible(serving, next, path)
        next = keepName(next, serving.name)
      }
      this.slot.swap(next)
      this.path = path
      return { previousVersion: serving?.version ?? 'none', version: next.version, path }
    }
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => undefined)
    return result
  }

  /** The serving version, for messages. */
  get version(): string {
    return this.slot.current?.version ?? 'none'
  }

  /** Reload within this process from a client path (refusing escapes); errors carry safe messages. */
  readonly local: Reloader = async (requested) => {
    const path = requested === undefined ? this.path : resolveModelPath(this.modelsDir, requested)
    try {
      const o = await this.reloadFile(path)
      return {
        previousVersion: o.previousVersion,
        version: o.version,
        file: publicFile(path, this.modelsDir),
        workers: 1,
      }
    } catch (err) {
      throw new ModelReloadError(
        `model reload refused, still serving ${this.version}: ${publicMessage((err as Error).message, this.modelsDir)}`,
      )
    }
  }
}

/** The in-process reloader for the served slot, from the settings (what a single process and each worker use). */
export function modelReloaderFor(
  settings: { readonly MODELS_DIR: string; readonly MODEL_PATH: string; readonly MODEL_MAX_BYTES?: number },
  slot: SwappableSlot,
): ModelReloader {
  return new ModelReloader(
    slot,
    (path) => loadModel(path, settings.MODEL_MAX_BYTES),
    modelsDirOf(settings.MODELS_DIR, settings.MODEL_PATH),
    resolve(settings.MODEL_PATH),
  )
}
