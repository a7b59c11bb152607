/**
 * The V2 model metadata (GET /v2/models/{name}): one FP64 input tensor [-1, n_features] named `input-0`
 * with the feature names, and the two outputs a classifier serves (see outputs.ts), with the class names.
 */

import type { Static } from 'typebox'
import type { PredictionModel } from '../../model/types.js'
import type { V2ModelMetadata } from '../contracts/v2.js'

/** The model input's name in metadata; requests may name their tensor anything. */
export const V2_INPUT_NAME = 'input-0'
export const V2_PLATFORM = 'iris-forest'

export function modelMetadata(model: PredictionModel): Static<typeof V2ModelMetadata> {
  return {
    name: model.name,
    versions: [model.version],
    platform: V2_PLATFORM,
    inputs: [
      {
        name: V2_INPUT_NAME,
        datatype: 'FP64',
        shape: [-1, model.nFeatures],
        parameters: { feature_names: [...model.featureNames] },
      },
    ],
    outputs: [
      { name: 'predict', datatype: 'BYTES', shape: [-1], parameters: { classes: [...model.classes] } },
      {
        name: 'predict_proba',
        datatype: 'FP64',
        shape: [-1, model.nClasses],
        parameters: { classes: [...model.classes] },
      },
    ],
  }
}
