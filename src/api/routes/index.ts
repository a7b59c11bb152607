/**
 * Every route plugin of the API, in registration order. To add routes: write a RoutePlugin in this folder
 * (it gets the ApiContext as options) and add it to this list.
 */
import type { RoutePlugin } from '../context.js'
import docsRoutes from './docs.js'
import explainRoutes from './explain.js'
import healthRoutes from './health.js'
import metricsRoutes from './metrics.js'
import modelRoutes from './model.js'
import modelsRoutes from './models.js'
import predictRoutes from './predict.js'
import v2Routes from './v2.js'
import webRoutes from './web.js'

export const routePlugins: readonly RoutePlugin[] = [
  healthRoutes,
  predictRoutes,
  explainRoutes,
  modelRoutes,
  modelsRoutes,
  v2Routes,
  metricsRoutes,
  docsRoutes,
  webRoutes,
]
