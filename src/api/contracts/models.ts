/**
 * GET /models: the registry's names, versions (with accuracies and aliases), the history of alias changes
 * (promotions, rollbacks, rollouts; newest first) and the rollout's state.
 */
import { Type } from 'typebox'

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const ModelsVersion = Type.Object(
  {
    version: Type.String({ examples: ['1'] }),
    aliases: Type.Array(Type.String(), { examples: [['stable']] }),
    loaded: Type.Boolean({
      description:
        'Loaded by this server (aliased versions are): reachable under /v2/models/{name}/versions/{version}',
    }),
    created_at: nullable(Type.String()),
    data_sha256: nullable(Type.String()),
    model_hash: Type.String({ description: "The model file's SHA-256 prefix (metadata model_version)" }),
    holdout_accuracy: nullable(Type.Number()),
    cv_accuracy: nullable(Type.Number()),
    online_accuracy: nullable(Type.Number({ description: 'From labelled feedback so far (online.json)' })),
    online_rows: Type.Integer(),
  },
  { additionalProperties: true },
)

export const ModelsHistoryEvent = Type.Object({
  at: Type.String({ description: 'When (ISO 8601)', examples: ['2026-11-30T12:00:00.000Z'] }),
  action: Type.Union(
    [
      Type.Literal('register'),
      Type.Literal('promote'),
      Type.Literal('rollback'),
      Type.Literal('alias'),
      Type.Literal('unalias'),
      Type.Literal('rollout'),
    ],
    { description: 'What changed the alias' },
  ),
  alias: Type.String({ examples: ['stable'] }),
  from: nullable(Type.String({ description: 'The version the alias named before (null: none)' })),
  to: nullable(Type.String({ description: 'The version it names after (null: removed)' })),
  reason: nullable(Type.String({ description: 'Who or why: "cli", "admin api", "gate: latency_p99: …"' })),
})

export const ModelsResponse = Type.Object({
  models: Type.Array(
    Type.Object({
      name: Type.String({ examples: ['iris_model'] }),
      revision: Type.Integer({ description: "aliases.json's revision this server applied" }),
      versions: Type.Array(ModelsVersion),
      broken: Type.Array(Type.Object({ version: Type.String(), reason: Type.String() }), {
        description: 'Version folders that do not load: never served',
      }),
      history: Type.Array(ModelsHistoryEvent, {
        maxItems: 20,
        description:
          "aliases.json's history: promotions, rollbacks, rollouts and alias edits, newest first, at most 20",
      }),
    }),
  ),
  rollout: Type.Object(
    {
      status: Type.Union([
        Type.Literal('running'),
        Type.Literal('promoted'),
        Type.Literal('rolled_back'),
        Type.Literal('none'),
      ]),
    },
    {
      additionalProperties: true,
      description: 'The rollout (stable, candidate, mode, weight, status, reason)',
    },
  ),
})
