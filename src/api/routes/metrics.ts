/**
 * GET /metrics in Prometheus text format. Under node:cluster the text is the primary's aggregate of all
 * workers (ctx.metricsText asks it over IPC); in a single process it is this registry.
 */
import type { ApiContext, RoutePlugin } from '../context.js'

const metricsRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (all workers)',
        tags: ['monitoring'],
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text exposition format 0.0.4' } },
      },
      config: { access: 'metrics' },
    },
    async (_request, reply) => {
      const text = await ctx.metricsText()
      reply.type(ctx.metrics.contentType).send(text)
      return reply
    },
  )
}

export default metricsRoutes
