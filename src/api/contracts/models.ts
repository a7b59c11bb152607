/** GET /models: the registry's names, versions (with accuracies and aliases) and the rollout's state. */
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

export const ModelsResponse = Type.Object({
  models: Type.Array(
    Type.Object({
      name: Type.String({ examples: ['iris_model'] }),
      revision: Type.Integer({ description: "aliases.json's revision this server applied" }),
      versions: Type.Array(ModelsVersion),
      broken: Type.Array(Type.Object({ version: Type.String(), reason: Type.String() }), {
        description: 'Version folders that do not load: never served',
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
