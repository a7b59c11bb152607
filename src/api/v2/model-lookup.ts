/**
 * Which model a V2 path names: /v2/models/{model_name}[/versions/{model_version}]. The model's name is its
 * file name (e.g. iris_model), its version the model_version hash; a name or version we do not serve is a
 * 404 that quotes the client's text cut short (../client-text.ts).
 */
import type { ModelSlot } from '../../model/model-slot.js'
import type { ServedVersions } from '../../model/registry/index.js'
import type { PredictionModel } from '../../model/types.js'
import { quoteString } from '../client-text.js'
import { V2ModelParams, V2ModelVersionParams } from '../contracts/v2.js'
import { HttpError, ModelNotReadyError } from '../errors.js'

export type ModelParams = { model_name: string; model_version?: string }

/** The two URL prefixes every model route is served under, with the params schema of each. */
export const MODEL_BASES = [
  { base: '/v2/models/:model_name', params: V2ModelParams },
  { base: '/v2/models/:model_name/versions/:model_version', params: V2ModelVersionParams },
] as const

/**
 * The served model if the path names it (and its version, when given); 404 otherwise, 503 if none. With a
 * registry, `versions` holds every loaded version: {model_version} may be any of them, by number or alias.
 */
export function resolveModel(
  models: ModelSlot,
  params: ModelParams,
  versions?: ServedVersions,
): PredictionModel {
  const model = models.current
  if (model === null) throw new ModelNotReadyError()
  const loaded = params.model_version === undefined ? undefined : versions?.get(params.model_version)
  if (loaded !== undefined && loaded.name === params.model_name) return loaded
  if (params.model_name !== model.name) {
    throw new HttpError(
      404,
      `model ${quoteString(params.model_name)} is not served here (the model is "${model.name}")`,
    )
  }
  if (params.model_version !== undefined && params.model_version !== model.version) {
    throw new HttpError(
      404,
      `model "${model.name}" has no version ${quoteString(params.model_version)} loaded (the stable version is "${model.version}")`,
    )
  }
  return model
}
