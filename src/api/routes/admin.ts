/**
 * POST /admin/reload: switch every worker to a new model file without a restart.
 * Body (optional): {"path": "<file inside the models folder>"}; without it the serving file is re-read.
 * Auth is enforced by the security plugin (admin keys, else API keys); with no key configured at all the
 * route refuses with 403, so a model can never be swapped by an anonymous caller.
 */
import type { FastifyPluginAsync } from 'fastify'
import { ModelPathError, ModelReloadError, type Reloader } from '../../model/reload.js'
import { ClientHttpError } from '../security/http-error.js'

export interface AdminOptions {
  reload: Reloader
  /** False when neither API_KEYS(_FILE) nor ADMIN_API_KEYS(_FILE) is set. */
  enabled: boolean
}

const reloadSchema = {
  summary: 'Reload the model on all workers (validated before it replaces the serving one)',
  tags: ['admin'],
  security: [{ bearerAuth: [] }, { apiKey: [] }],
  // The body is checked by hand: it is optional (an empty POST re-reads the serving file).
  description: 'Optional JSON body {"path": "<file inside MODELS_DIR>"}; empty = re-read the serving file.',
  response: {
    200: {
      type: 'object',
      properties: {
        status: { type: 'string' },
        model_version: { type: 'string' },
        previous_version: { type: 'string' },
        file: { type: 'string' },
        workers: { type: 'integer' },
      },
    },
  },
} as const

function requestedPath(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ClientHttpError(400, 'body must be a JSON object like {"path": "model.json"} or empty')
  }
  const keys = Object.keys(body)
  if (keys.some((k) => k !== 'path')) throw new ClientHttpError(400, 'body may only contain "path"')
  const path = (body as { path?: unknown }).path
  if (path === undefined) return undefined
  if (typeof path !== 'string') throw new ClientHttpError(400, 'path must be a string')
  return path
}

export const adminRoutes: FastifyPluginAsync<AdminOptions> = async (app, options) => {
  app.post('/admin/reload', { schema: reloadSchema }, async (request) => {
    if (!options.enabled) {
      throw new ClientHttpError(
        403,
        'admin endpoints are disabled: set ADMIN_API_KEYS or API_KEYS to use them',
      )
    }
    const path = requestedPath(request.body)
    try {
      const report = await options.reload(path)
      return {
        status: 'reloaded',
        model_version: report.version,
        previous_version: report.previousVersion,
        file: report.file,
        workers: report.workers,
      }
    } catch (err) {
      if (err instanceof ModelPathError) throw new ClientHttpError(400, err.message)
      if (err instanceof ModelReloadError) throw new ClientHttpError(422, err.message)
      throw err
    }
  })
}

export default adminRoutes
