/**
 * Every route plugin of the API. To add routes: write a RoutePlugin in this folder (it gets the ApiContext
 * as options) and add it to recordedRoutePlugins, unless it is on the hot path.
 */
import type { RoutePlugin } from '../context.js'
import docsRoutes from './docs.js'
import explainRoutes from './explain.js'
import feedbackRoutes from './feedback.js'
import healthRoutes from './health.js'
import metricsRoutes from './metrics.js'
import modelRoutes from './model.js'
import modelsRoutes from './models.js'
import predictRoutes from './predict.js'
import v2Routes from './v2.js'
import webRoutes from './web.js'

/**
 * Routes whose bookkeeping (X-Request-ID, log line, duration metric) is done by the hooks of
 * ../recorder.ts's recordOnResponse, registered by app.ts in one scope: their handlers only answer.
 */
export const recordedRoutePlugins: readonly RoutePlugin[] = [
  healthRoutes,
  explainRoutes,
  feedbackRoutes,
  modelRoutes,
  modelsRoutes,
  v2Routes,
  metricsRoutes,
]

/**
 * Routes that record themselves: the hot prediction routes (by hand, through ../predict-endpoint.ts, as
 * the fast lane does), and the documents, whose third-party routes get the hooks in their own scopes.
 */
export const selfRecordingRoutePlugins: readonly RoutePlugin[] = [predictRoutes, docsRoutes, webRoutes]
