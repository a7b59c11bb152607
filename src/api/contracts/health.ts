/** GET /health (the seed's contract), /health/live and /health/ready. */
import { Type } from 'typebox'

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
