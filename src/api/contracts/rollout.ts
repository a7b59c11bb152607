/** POST /admin/rollout, /admin/promote and /admin/rollback: the rollout's state after the change. */
import { Type } from 'typebox'

export const RolloutBody = Type.Object(
  {
    candidate: Type.String({ description: 'A version number ("2") or an alias of the served model' }),
    mode: Type.Union([Type.Literal('canary'), Type.Literal('shadow')]),
    weight: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Canary: share of prediction requests (default 0.1)',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ candidate: '2', mode: 'canary', weight: 0.2 }] },
)

export const RolloutState = Type.Object({
  status: Type.Union([
    Type.Literal('running'),
    Type.Literal('promoted'),
    Type.Literal('rolled_back'),
    Type.Literal('none'),
  ]),
  stable: Type.Union([Type.String(), Type.Null()]),
  candidate: Type.Union([Type.String(), Type.Null()]),
  mode: Type.Union([Type.Literal('canary'), Type.Literal('shadow'), Type.Null()]),
  weight: Type.Number(),
  reason: Type.Union([Type.String(), Type.Null()]),
  updated_at: Type.Optional(Type.String()),
})
