import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { writeFileAtomic } from './atomic-write.js'
import { ModelLoadError } from './errors.js'
import { MODEL_FORMAT_VERSION } from './format.js'
import { Fault } from './json-checks.js'
import { deriveMetadata, validateMetadataText } from './metadata.js'
import { type ModelDescription, serializeModel } from './serialize.js'
import type { ModelMetadata } from './types.js'
import { type ValidatedModel, validateModelText } from './validate.js'

/** Metadata fields the caller supplies; format_version, model_version and source come from the model. */
// (Omit<> would drop every named field because ModelMetadata has an index signature.)
export type MetadataInput = Pick<
  ModelMetadata,
  | 'model_type'
  | 'n_estimators'
  | 'feature_names'
  | 'target_names'
  | 'metrics'
  | 'feature_importance'
  | 'train_samples'
  | 'test_samples'
  | 'hyperparameters'
  | 'cv_accuracy'
  | 'data_sha256'
  | 'created_at'
> &
  Record<string, unknown>

export interface SavedModel {
  modelPath: string
  metadataPath: string
  modelVersion: string
  metadata: ModelMetadata
}

export interface LoadedArtifact {
  modelPath: string
  /** The metadata file read, or null when it was absent and the metadata was derived. */
  metadataPath: string | null
  modelVersion: string
  model: ValidatedModel
  metadata: ModelMetadata
}

/** First 12 hex digits of the SHA-256 of the model file's bytes. */
export function modelVersionOf(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12)
}

/** `models/<name>.json` -> `models/<name>_metadata.json`. */
export function metadataPathFor(modelPath: string): string {
  return modelPath.replace(/(\.json)?$/, '_metadata.json')
}

/** Writes `<dir>/<name>.json` and `<dir>/<name>_metadata.json`, each atomically. */
export async function saveModel(
  dir: string,
  name: string,
  model: ModelDescription,
  metadata: MetadataInput,
): Promise<SavedModel> {
  const modelPath = join(dir, `${name}.json`)
  const metadataPath = metadataPathFor(modelPath)
  const text = serializeModel(model)
  const modelVersion = modelVersionOf(text)
  const full: ModelMetadata = {
    ...metadata,
    format_version: MODEL_FORMAT_VERSION,
    model_version: modelVersion,
    source: model.source,
  }
  await writeFileAtomic(modelPath, text)
  await writeFileAtomic(metadataPath, `${JSON.stringify(full, null, 2)}\n`)
  return { modelPath, metadataPath, modelVersion, metadata: full }
}

/**
 * Reads and fully validates a model file and its optional metadata file. Any fault becomes one
 * ModelLoadError naming the file and the fault; nothing half-checked is returned.
 */
export async function loadArtifact(
  modelPath: string,
  maxBytes: number = DEFAULT_MODEL_MAX_BYTES,
): Promise<LoadedArtifact> {
  const bytes = await readOrFail(modelPath, maxBytes)
  if (bytes === null) throw new ModelLoadError(modelPath, 'file not found')
  const modelVersion = modelVersionOf(bytes)
  const model = withFile(modelPath, () => validateModelText(decode(bytes)))
  const metadataPath = metadataPathFor(modelPath)
  const metaBytes = await readOrFail(metadataPath, maxBytes)
  if (metaBytes === null) {
    return {
      modelPath,
      metadataPath: null,
      modelVersion,
      model,
      metadata: deriveMetadata(model, modelVersion),
    }
  }
  const metadata = withFile(metadataPath, () => validateMetadataText(decode(metaBytes), model, modelVersion))
  return { modelPath, metadataPath, modelVersion, model, metadata }
}

/** The model's name: the file name without `.json`. */
export function modelNameOf(modelPath: string): string {
  return basename(modelPath).replace(/\.json$/, '')
}

function withFile<T>(file: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof Fault) throw new ModelLoadError(file, err.message)
    throw err
  }
}

/**
 * Model files larger than this are refused before a byte is read (MODEL_MAX_BYTES in src/config.ts): a
 * huge file dropped in the models folder must not make every worker that reloads run out of memory at
 * once. 32 MiB of JSON parses to a few times that in heap, within the workers' 256 MiB old generation.
 */
export const DEFAULT_MODEL_MAX_BYTES = 32 * 2 ** 20

/** The file's bytes, or null when it does not exist; its size is checked on the open file before reading. */
async function readOrFail(path: string, maxBytes: number): Promise<Buffer | null> {
  let file: Awaited<ReturnType<typeof open>>
  try {
    file = await open(path, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    throw new ModelLoadError(
      path,
      code === 'EISDIR' ? 'is a directory' : `cannot read: ${(err as Error).message}`,
    )
  }
  try {
    const info = await file.stat()
    if (info.isDirectory()) throw new ModelLoadError(path, 'is a directory')
    if (info.size > maxBytes) {
      throw new ModelLoadError(
        path,
        `is ${info.size} bytes, more than MODEL_MAX_BYTES (${maxBytes}); not read (raise MODEL_MAX_BYTES, and the workers' heap, to serve it)`,
      )
    }
    return await file.readFile()
  } catch (err) {
    if (err instanceof ModelLoadError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new ModelLoadError(
      path,
      code === 'EISDIR' ? 'is a directory' : `cannot read: ${(err as Error).message}`,
    )
  } finally {
    await file.close()
  }
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw new Fault('not valid UTF-8 text')
  }
}
