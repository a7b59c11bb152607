/** The one error shape of every answer that is not a success: {"error": "what is wrong and where"}. */
import { Type } from 'typebox'

export const ErrorResponse = Type.Object(
  { error: Type.String({ description: 'What is wrong and where' }) },
  { examples: [{ error: 'input[0][1] must be a number, got string' }] },
)
