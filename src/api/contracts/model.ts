/** GET /model: the served model's metadata. */
import { Type } from 'typebox'

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
