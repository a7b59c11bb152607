/**
 * TypeBox schemas of the Open Inference Protocol (V2) REST messages we serve: request validation,
 * TypeScript types, response serialization and the OpenAPI document from one source.
 * Tensor `data` elements are checked by tensor.ts, not here, so faults name the element and its datatype.
 */
import { type Static, Type } from 'typebox'

const Parameters = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Free-form parameters; accepted and ignored.',
})

export const V2ServerMetadata = Type.Object({
  name: Type.String({ examples: ['iris-prediction-service'] }),
  version: Type.String({ examples: ['1.0.0'] }),
  extensions: Type.Array(Type.String()),
})

export const V2Live = Type.Object({ live: Type.Boolean() })
export const V2Ready = Type.Object({ ready: Type.Boolean() })

const TensorMetadata = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer(), { description: '-1 is a dimension of any size (the batch).' }),
  parameters: Type.Optional(Parameters),
})

export const V2ModelMetadata = Type.Object({
  name: Type.String({ examples: ['iris_model'] }),
  versions: Type.Array(Type.String()),
  platform: Type.String({ examples: ['iris-forest'] }),
  inputs: Type.Array(TensorMetadata),
  outputs: Type.Array(TensorMetadata),
})

export const V2ModelReady = Type.Object({ name: Type.String(), ready: Type.Boolean() })

export const V2ModelParams = Type.Object({ model_name: Type.String() })
export const V2ModelVersionParams = Type.Object({ model_name: Type.String(), model_version: Type.String() })

const RequestInput = Type.Object({
  name: Type.String({ examples: ['input-0'] }),
  shape: Type.Array(Type.Integer(), { description: '[N, n_features]', examples: [[2, 4]] }),
  datatype: Type.String({
    description: 'FP32, FP64, INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32 or UINT64',
    examples: ['FP32'],
  }),
  parameters: Type.Optional(Parameters),
  data: Type.Array(Type.Unknown(), {
    description: 'Row-major numbers, flat ([5.1, 3.5, ...]) or nested by row ([[5.1, 3.5, ...], ...]).',
    examples: [[5.1, 3.5, 1.4, 0.2, 6.3, 3.3, 6.0, 2.5]],
  }),
})

const RequestOutput = Type.Object({
  name: Type.String({ description: 'predict or predict_proba', examples: ['predict_proba'] }),
  parameters: Type.Optional(Parameters),
})

export const V2InferRequest = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 256, examples: ['42'] })),
  parameters: Type.Optional(Parameters),
  inputs: Type.Array(RequestInput, {
    minItems: 1,
    description: 'Exactly one tensor of shape [N, n_features].',
  }),
  outputs: Type.Optional(
    Type.Array(RequestOutput, { description: 'Outputs to return; default: predict.', maxItems: 8 }),
  ),
})
export type V2InferRequestBody = Static<typeof V2InferRequest>

const ResponseOutput = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer()),
  datatype: Type.String(),
  data: Type.Array(Type.Union([Type.Number(), Type.String()])),
})

export const V2InferResponse = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.String({ description: "The request's id, or the HTTP request id when it sent none." }),
  outputs: Type.Array(ResponseOutput),
})
export type V2InferResponseBody = Static<typeof V2InferResponse>
