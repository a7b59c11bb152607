/**
 * POST /admin/reload: switch every worker to a new model file without a restart.
 * Body (optional): {"path": "<file inside MODELS_DIR>"}; without it the serving file is re-read.
 * Auth is the security plugin's (admin keys, else API keys); with no key configured at all the route
 * answers 403, so a model can never be swapped by an anonymous caller. Registered by app.ts with the
 * ApiContext plus the Reloader (in-process, or the cluster relay in a worker: src/server/reload-cluster.ts).
 */
import type { FastifyInstance } from 'fastify'
import { ModelPathError, ModelReloadError, type Reloader } from '../../model/reload.js'
import type { ApiContext } from '../context.js'
import { ErrorResponse } from '../contracts/error.js'
import { HttpError } from '../errors.js'

export interface AdminOptions extends ApiContext {
  reload: Reloader
  /** False when neither API_KEYS(_FILE) nor ADMIN_API_KEYS(_FILE) is set. */
  enabled: boolean
}

const reloadSchema = {
  summary: 'Reload the model on all workers (validated before it replaces the serving one)',
  description:
    'Optional JSON body {"path": "<file inside MODELS_DIR>"}; empty re-reads the serving file. Needs an admin ' +
    'or API key. A corrupt, truncated or incompatible file (other features or classes) is refused with 422 ' +
    'and the serving model stays.',
  tags: ['admin'],
  response: {
    200: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['reloaded'] },
        model_version: { type: 'string' },
        previous_version: { type: 'string' },
        file: { type: 'string', description: 'The model file, relative to MODELS_DIR' },
        workers: { type: 'integer', description: 'Processes now serving model_version' },
      },
    },
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    422: ErrorResponse,
  },
} as const

/** The body is checked by hand: it is optional, and any other shape is a 400 naming the fault. */
export function requestedPath(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'the body must be empty or a JSON object like {"path": "iris_model.json"}')
  }
  const extra = Object.keys(body).find((k) => k !== 'path')
  if (extra !== undefined)
    throw new HttpError(400, `unknown field ${JSON.stringify(extra)}; only "path" is accepted`)
  const path = (body as { path?: unknown }).path
  if (path === undefined) return undefined
  if (typeof path !== 'string') throw new HttpError(400, 'path must be a string')
  return path
}

export async function adminRoutes(app: FastifyInstance, options: AdminOptions): Promise<void> {
  app.post('/admin/reload', { schema: reloadSchema, config: { access: 'admin' } }, async (request, reply) => {
    if (!options.enabled) {
      throw new HttpError(403, 'admin endpoints are disabled: set ADMIN_API_KEYS or API_KEYS to use them')
    }
    const path = requestedPath(request.body)
    let report: Awaited<ReturnType<Reloader>>
    try {
      report = await options.reload(path)
    } catch (err) {
      if (err instanceof ModelPathError) throw new HttpError(400, err.message)
      if (err instanceof ModelReloadError) throw new HttpError(422, err.message)
      throw err
    }
    reply.send({
      status: 'reloaded',
      model_version: report.version,
      previous_version: report.previousVersion,
      file: report.file,
      workers: report.workers,
    })
    return reply
  })
}

export default adminRoutes
