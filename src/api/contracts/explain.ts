/**
 * TypeBox schema of the POST /explain reply, for the OpenAPI document. Keys are the served model's class
 * and feature names (GET /model), so the shapes are records; the example is the 100-tree Iris forest
 * (seed 42) explaining a typical setosa.
 */
import { Type } from 'typebox'
import { ErrorResponse } from './error.js'

const PerClass = (description: string) =>
  Type.Record(Type.String(), Type.Number(), { description: `${description}, keyed by class name` })

export const RowExplanation = Type.Object({
  prediction: Type.String({ description: 'Predicted class: the most probable (ties to the first class)' }),
  probabilities: PerClass('Probability of each class (the same numbers as /predict-proba)'),
  expected_value: PerClass(
    "The forest's mean output over its training data (cover-weighted); the same for every row",
  ),
  contributions: Type.Record(
    Type.String(),
    Type.Record(Type.String(), Type.Number(), {
      description: 'Contribution per feature, keyed by feature name',
    }),
    {
      description:
        'Per class, per feature: exact TreeSHAP values. expected_value[c] + sum of contributions[c] = ' +
        'probabilities[c]; > 0 pushes toward class c, < 0 away from it',
    },
  ),
})

export const ExplainResponse = Type.Object(
  {
    explanations: Type.Array(RowExplanation, { description: 'One per input row, in input order' }),
  },
  {
    examples: [
      {
        explanations: [
          {
            prediction: 'setosa',
            probabilities: { setosa: 1, versicolor: 0, virginica: 0 },
            expected_value: { setosa: 0.3353, versicolor: 0.3339, virginica: 0.3307 },
            contributions: {
              setosa: {
                sepal_length_cm: 0.097,
                sepal_width_cm: 0.005,
                petal_length_cm: 0.3115,
                petal_width_cm: 0.2512,
              },
              versicolor: {
                sepal_length_cm: -0.0465,
                sepal_width_cm: 0.0025,
                petal_length_cm: -0.1775,
                petal_width_cm: -0.1124,
              },
              virginica: {
                sepal_length_cm: -0.0505,
                sepal_width_cm: -0.0075,
                petal_length_cm: -0.1339,
                petal_width_cm: -0.1388,
              },
            },
          },
        ],
      },
    ],
  },
)

/** Beyond the prediction routes' errors: a model that cannot be explained. */
export const explainErrorResponses = {
  413: {
    ...ErrorResponse,
    description: 'Body larger than BODY_LIMIT, or more rows than EXPLAIN_MAX_ROWS (or MAX_BATCH_ROWS)',
  },
  501: { ...ErrorResponse, description: 'The served model cannot explain its predictions (reason given)' },
}
