/**
 * The built web UI (Vite output in WEB_ROOT) at /, when that folder exists. Files are listed once at start
 * (wildcard: false), so unknown paths fall through to the app's 404/405 handler. Hashed assets are immutable.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import type { ApiContext, RoutePlugin } from '../context.js'
import { installFixedHeaders } from '../fixed-headers.js'
import { recordOnResponse } from '../recorder.js'
import { openRoutesIn } from '../security/scopes.js'

const webRoutes: RoutePlugin = async (app: FastifyInstance, ctx: ApiContext) => {
  const root = resolve(ctx.config.WEB_ROOT)
  if (!existsSync(resolve(root, 'index.html'))) {
    ctx.logger.debug({ root }, 'No built web UI found; / is not served')
    return
  }
  openRoutesIn(app)
  recordOnResponse(app, ctx.recorder)
  installFixedHeaders(app, ctx.documentHeaders.document)
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    schemaHide: true,
    setHeaders(reply, path) {
      if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable')
    },
  })
}

export default webRoutes
