/** POST /feedback: labelled rows; every loaded version predicts them and its correct count comes back. */
import { Type } from 'typebox'
import { Row } from './predict.js'

export const FeedbackBody = Type.Object(
  {
    input: Type.Array(Row, { minItems: 1, description: 'Rows, as for /predict; at most MAX_BATCH_ROWS' }),
    truth: Type.Array(Type.String(), {
      minItems: 1,
      description: 'The true class of each row, in input order (one of the model classes, GET /model)',
    }),
  },
  { examples: [{ input: [[5.1, 3.5, 1.4, 0.2]], truth: ['setosa'] }] },
)

export const FeedbackResponse = Type.Object(
  {
    rows: Type.Integer({ minimum: 1 }),
    versions: Type.Record(Type.String(), Type.Object({ correct: Type.Integer({ minimum: 0 }) }), {
      description: 'Per loaded version, how many of the rows it predicted right',
    }),
  },
  { examples: [{ rows: 2, versions: { '1': { correct: 2 }, '2': { correct: 1 } } }] },
)
