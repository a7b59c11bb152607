/**
 * TypeBox schemas for the HTTP contract: TypeScript types, response serialisation and the OpenAPI
 * document (/openapi.json, /docs) all come from here. Prediction bodies are checked by the hand-written
 * loop in ./input.ts (exact status codes and positions); input.test.ts holds both to the same cases.
 */
import { type Static, Type } from 'typebox'

const SETOSA = [5.1, 3.5, 1.4, 0.2]
const VIRGINICA = [6.2, 3.4, 5.4, 2.3]

export const Row = Type.Array(Type.Number(), {
  description: "One flower's measurements in the model's feature order (see GET /model), in centimetres",
  examples: [SETOSA],
})

export const PredictBody = Type.Object(
  {
    input: Type.Array(Row, {
      minItems: 1,
      description: 'One or more rows; at most MAX_BATCH_ROWS',
    }),
  },
  {
    description: 'Rows to classify. Parsed as JSON whatever the Content-Type.',
    examples: [{ input: [SETOSA] }, { input: [SETOSA, VIRGINICA] }],
  },
)
export type PredictBody = Static<typeof PredictBody>

export const PredictResponse = Type.Object(
  { prediction: Type.Array(Type.String(), { description: 'Predicted class per row, in input order' }) },
  { examples: [{ prediction: ['setosa', 'virginica'] }] },
)

export const PredictProbaResponse = Type.Object(
  {
    prediction: Type.Array(Type.String()),
    probabilities: Type.Array(Type.Array(Type.Number({ minimum: 0, maximum: 1 })), {
      description: "Per row, one probability per class in the model's class order (GET /model)",
    }),
  },
  { examples: [{ prediction: ['setosa'], probabilities: [[1, 0, 0]] }] },
)

export const ErrorResponse = Type.Object(
  { error: Type.String({ description: 'What is wrong and where' }) },
  { examples: [{ error: 'input[0][1] must be a number, got string' }] },
)

export const HealthResponse = Type.Object(
  {
    status: Type.Literal('healthy'),
    timestamp: Type.String({ format: 'date-time' }),
    service: Type.String(),
  },
  {
    examples: [{ status: 'healthy', timestamp: '2024-03-14T12:00:00.000Z', service: 'iris-prediction-api' }],
  },
)

export const LiveResponse = Type.Object({ status: Type.Literal('alive') })

export const ReadyResponse = Type.Object({
  status: Type.Literal('ready'),
  model: Type.String(),
  model_version: Type.String(),
})

export const ModelResponse = Type.Object(
  {
    name: Type.String(),
    version: Type.String(),
    model_type: Type.String(),
    model_version: Type.String(),
    feature_names: Type.Array(Type.String()),
    target_names: Type.Array(Type.String()),
    n_estimators: Type.Number(),
    hyperparameters: Type.Record(Type.String(), Type.Unknown()),
    metrics: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    feature_importance: Type.Record(Type.String(), Type.Number()),
    created_at: Type.Union([Type.String(), Type.Null()]),
    data_sha256: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: true, description: "The served model's metadata (docs/model-format.md)" },
)

/** Error responses a prediction route can give, for the OpenAPI document. */
export const predictErrorResponses = {
  400: { ...ErrorResponse, description: 'Body is not JSON / not an object; input or a row is not a list' },
  413: { ...ErrorResponse, description: 'Body larger than BODY_LIMIT or more rows than MAX_BATCH_ROWS' },
  415: { ...ErrorResponse, description: 'A value is not a number' },
  422: {
    ...ErrorResponse,
    description: 'input missing or empty; wrong number of values in a row; a value not finite',
  },
  500: { ...ErrorResponse, description: 'Unexpected fault (details are logged, not returned)' },
  503: { ...ErrorResponse, description: 'No model loaded yet' },
}
