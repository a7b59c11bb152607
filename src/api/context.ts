/**
 * What every route plugin receives as its options: the config, the served model, metrics, the request
 * recorder and the logger. A route file exports a `RoutePlugin` and is added to the list in routes/index.ts.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../config.js'
import type { ModelSlot } from '../model/model-slot.js'
import type { ServedVersions, ServingRegistry } from '../model/registry/index.js'
import type { Logger } from './logging.js'
import type { ApiMetrics } from './metrics/index.js'
import type { RequestRecorder } from './recorder.js'
import type { SecurityHeaderSets } from './security/index.js'

export interface ApiContext {
  readonly config: Config
  readonly models: ModelSlot
  readonly metrics: ApiMetrics
  readonly recorder: RequestRecorder
  readonly logger: Logger
  /** Prometheus text for GET /metrics: this process's registry, or the cluster's aggregate. */
  readonly metricsText: () => Promise<string>
  /** Security headers for plugins that serve documents (the UI, Swagger UI); JSON routes get the API set. */
  readonly documentHeaders: Pick<SecurityHeaderSets, 'document' | 'docs'>
  /** Every loaded registry version, stable among them (empty when MODEL_PATH serves one file). */
  readonly versions: ServedVersions
  /** The registry served (GET /models), or null in MODEL_PATH mode. */
  readonly registry: ServingRegistry | null
}

export type RoutePlugin = FastifyPluginAsync<ApiContext>
