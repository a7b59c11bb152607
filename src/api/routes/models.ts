/**
 * GET /models: the registry this server serves (the snapshot it last applied, with online accuracy re-read from
 * online.json), each version with its aliases and accuracies, the latest alias changes (promotions, rollbacks,
 * rollouts; newest first, HISTORY_SHOWN of them), plus the rollout's state. With MODEL_PATH (one file, no
 * registry) it lists that one model as its only, stable, version, with no history.
 */
import { type NameSnapshot, readOnline, versionRows } from '../../model/registry/index.js'
import type { PredictionModel } from '../../model/types.js'
import type { ApiContext, RoutePlugin } from '../context.js'
import { ErrorResponse } from '../contracts/error.js'
import { ModelsResponse } from '../contracts/models.js'
import { ModelNotReadyError } from '../errors.js'
import { rolloutOf } from '../rollout/install.js'
import { rolloutReport } from '../rollout/report.js'

/** How many alias changes GET /models shows (aliases.json keeps up to HISTORY_LIMIT). */
export const HISTORY_SHOWN = 20

async function registryListing(ctx: ApiContext, snapshot: NameSnapshot) {
  const loaded = ctx.versions.current?.models
  const online = ctx.registry ? await readOnline(ctx.registry.registry.nameDir(snapshot.name)) : null
  const rows = versionRows({ ...snapshot, online: online ?? snapshot.online })
  return {
    models: [
      {
        name: snapshot.name,
        revision: snapshot.revision,
        versions: rows.map((r) => ({ ...r, loaded: loaded?.has(r.version) ?? false })),
        broken: snapshot.broken.map((b) => ({ version: b.version, reason: b.reason })),
        history: snapshot.history
          .slice(-HISTORY_SHOWN)
          .reverse()
          .map((e) => ({
            at: e.at,
            action: e.action,
            alias: e.alias,
            from: e.from,
            to: e.to,
            reason: e.reason,
          })),
      },
    ],
    rollout: { ...(snapshot.rollout ?? { status: 'none' }), ...rolloutReport(rolloutOf(ctx)) },
  }
}

function singleFileListing(model: PredictionModel) {
  const m = model.metadata
  const accuracy = (m.metrics as { accuracy?: unknown } | null)?.accuracy
  return {
    models: [
      {
        name: model.name,
        revision: 0,
        versions: [
          {
            version: model.version,
            aliases: ['stable'],
            loaded: true,
            created_at: m.created_at,
            data_sha256: m.data_sha256,
            model_hash: m.model_version,
            holdout_accuracy: typeof accuracy === 'number' ? accuracy : null,
            cv_accuracy: m.cv_accuracy?.mean ?? null,
            online_accuracy: null,
            online_rows: 0,
          },
        ],
        broken: [],
        history: [],
      },
    ],
    rollout: { status: 'none' },
  }
}

const modelsRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  app.get(
    '/models',
    {
      schema: {
        summary: 'The model registry: versions, aliases, accuracies and the rollout',
        tags: ['model'],
        response: { 200: ModelsResponse, 503: ErrorResponse },
      },
      config: { access: 'read' },
    },
    async (_request, reply) => {
      const model = ctx.models.current
      if (model === null) throw new ModelNotReadyError()
      const set = ctx.versions.current
      const body = set === null ? singleFileListing(model) : await registryListing(ctx, set.snapshot)
      reply.send(body)
      return reply
    },
  )
}

export default modelsRoutes
