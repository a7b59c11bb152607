/**
 * GET /drift[?version=V]: the live window of the served model version (or of V) against its reference.
 * The statistics are computed here, off the prediction path, from the windows of every worker.
 */
import { Type } from 'typebox'
import type { ApiContext } from '../context.js'
import { ErrorResponse } from '../contracts/error.js'
import { HttpError, ModelNotReadyError } from '../errors.js'
import { DriftResponse } from './contract.js'
import { type DriftReport, driftReport } from './report.js'

/** Where a report comes from: this process's monitor, or the cluster primary's. */
export interface DriftSource {
  report(version: string): Promise<DriftReport | null>
}

export interface DriftRouteOptions extends ApiContext {
  drift: DriftSource
}

const DriftQuery = Type.Object({
  version: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'A model version (default: the served one)' }),
  ),
})

export async function driftRoutes(
  app: import('fastify').FastifyInstance,
  ctx: DriftRouteOptions,
): Promise<void> {
  app.get<{ Querystring: { version?: string } }>(
    '/drift',
    {
      schema: {
        summary: 'Data drift of the live traffic against the training data',
        description:
          'Per feature the two-sample Kolmogorov-Smirnov test and the PSI of the last DRIFT_WINDOW_ROWS rows ' +
          'predicted (all workers) against the reference profile in the model file; the chi-squared test of ' +
          'the predicted class mix against the training priors; the dataset-level verdict.',
        tags: ['monitoring'],
        querystring: DriftQuery,
        response: { 200: DriftResponse, 404: ErrorResponse, 503: ErrorResponse },
      },
      config: { access: 'read' },
    },
    async (request) => {
      const current = ctx.models.current
      if (current === null) throw new ModelNotReadyError()
      const version = request.query.version ?? current.version
      let report = await ctx.drift.report(version)
      if (report === null) {
        if (version !== current.version) {
          throw new HttpError(
            404,
            `model version ${JSON.stringify(version.slice(0, 64))} has predicted no rows here`,
          )
        }
        // Nothing predicted yet: an empty window, judged as such.
        report = driftReport(
          {
            version,
            featureNames: current.featureNames,
            classes: current.classes,
            values: new Float64Array(0),
            classIdx: new Int32Array(0),
            count: 0,
          },
          current.reference ?? null,
          ctx.config.DRIFT_MIN_ROWS,
        )
      }
      return report
    },
  )
}
