/**
 * POST /admin/rollout {"candidate": "2", "mode": "canary", "weight": 0.2}, POST /admin/promote (the candidate
 * becomes stable) and POST /admin/rollback (ends a running rollout; with none, stable returns to the previous
 * stable). Each edits the registry's aliases (src/model/rollout/commands.ts, src/model/registry) and then syncs
 * every worker at once (the same path as POST /admin/reload), answering the rollout's state.
 * Unknown version or alias: 404; other features or classes, a rollout already running, nothing to promote or
 * roll back: 409 with the reason; no registry served (MODEL_PATH names one file): 409.
 */
import type { FastifyInstance } from 'fastify'
import {
  type Registry,
  RegistryError,
  type RegistryFault,
  type RolloutRecord,
} from '../../model/registry/index.js'
import type { Reloader } from '../../model/reload.js'
import { startRollout } from '../../model/rollout/commands.js'
import type { ApiContext } from '../context.js'
import { ErrorResponse } from '../contracts/error.js'
import { RolloutBody, RolloutState } from '../contracts/rollout.js'
import { HttpError } from '../errors.js'

export interface RolloutAdminOptions extends ApiContext {
  reload: Reloader
  enabled: boolean
}

const STATUS: Record<RegistryFault, number> = {
  not_found: 404,
  conflict: 409,
  invalid: 400,
  busy: 503,
}
const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
}
const NONE: RolloutRecord = {
  status: 'none',
  stable: null,
  candidate: null,
  mode: null,
  weight: 0,
  reason: null,
  updated_at: '',
}

/** The body of POST /admin/rollout, checked by hand (400 naming the fault). */
export function parseRolloutBody(body: unknown): {
  candidate: string
  mode: 'canary' | 'shadow'
  weight: number
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(
      400,
      'the body must be a JSON object like {"candidate": "2", "mode": "canary", "weight": 0.2}',
    )
  const { candidate, mode, weight, ...extra } = body as Record<string, unknown>
  const unknown = Object.keys(extra)[0]
  if (unknown !== undefined)
    throw new HttpError(400, `unknown field ${JSON.stringify(unknown.slice(0, 100))}`)
  if (typeof candidate !== 'string' || candidate === '')
    throw new HttpError(400, 'candidate must be a version number or alias, like "2"')
  if (mode !== 'canary' && mode !== 'shadow') throw new HttpError(400, 'mode must be "canary" or "shadow"')
  if (weight !== undefined && (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)))
    throw new HttpError(400, 'weight must be a number from 0 to 1')
  return { candidate: candidate.slice(0, 100), mode, weight: (weight as number | undefined) ?? 0.1 }
}

export async function rolloutAdminRoutes(app: FastifyInstance, options: RolloutAdminOptions): Promise<void> {
  const change = async (edit: (registry: Registry, name: string) => Promise<unknown>) => {
    if (!options.enabled)
      throw new HttpError(403, 'admin endpoints are disabled: set ADMIN_API_KEYS to use them')
    const target = options.registry
    if (target === null)
      throw new HttpError(409, 'no registry is served (MODEL_PATH names one file): rollouts need MODELS_DIR')
    try {
      await edit(target.registry, target.name)
    } catch (err) {
      if (err instanceof RegistryError) throw new HttpError(STATUS[err.kind], err.message)
      throw err
    }
    await options.reload(undefined)
    const snapshot = await target.registry.snapshot(target.name)
    return { ...(snapshot.rollout ?? NONE), updated_at: snapshot.rollout?.updated_at ?? '' }
  }
  const schema = (summary: string, body?: unknown) => ({
    summary,
    tags: ['admin'],
    ...(body === undefined ? {} : { body }),
    response: { 200: RolloutState, ...errors },
  })
  app.post(
    '/admin/rollout',
    {
      schema: schema('Start a canary or shadow rollout of a candidate version beside stable', RolloutBody),
      validatorCompiler: () => () => true,
      config: { access: 'admin' },
    },
    async (request) => {
      const req = parseRolloutBody(request.body)
      return change((registry, name) => startRollout(registry, name, req, 'admin api'))
    },
  )
  app.post(
    '/admin/promote',
    { schema: schema('The candidate becomes stable (ends a running rollout)'), config: { access: 'admin' } },
    async () => change((registry, name) => registry.promote(name, null, 'admin api')),
  )
  app.post(
    '/admin/rollback',
    {
      schema: schema('End the running rollout; with none, stable returns to the previous stable'),
      config: { access: 'admin' },
    },
    async () => change((registry, name) => registry.rollback(name, 'admin api')),
  )
}
