/**
 * The POST /predict and /predict-proba contract. Like every file of src/api/contracts/ (one per contract),
 * TypeScript types, response serialisation, the OpenAPI document (/openapi.json, /docs) and the web
 * client's reply types (web/src/api.ts) all come from here. Bodies are checked by the hand-written loop in
 * ../input.ts (exact status codes and positions); ../input.test.ts holds both to the same cases.
 */
import { type Static, Type } from 'typebox'
import { ErrorResponse } from './error.js'

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
