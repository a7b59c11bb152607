/**
 * Builds the app around a real model for inject tests: the committed models/iris_model/1/iris_model.json when it exists,
 * otherwise a small forest trained here by our own engine (test/support/model.ts). Logs go to memory so
 * tests can read the request lines; every app is closed after its test file.
 */
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import inject, { type DispatchFunc, type InjectOptions, type Response } from 'light-my-request'
import { type App, buildApp } from '../../src/api/app.js'
import { createLogger } from '../../src/api/logging.js'
import { type Config, loadConfig } from '../../src/config.js'
import { loadModel } from '../../src/model/load-model.js'
import { ModelSlot } from '../../src/model/model-slot.js'
import type { PredictionModel } from '../../src/model/types.js'
import { savedSmallModel, tempDir } from '../support/model.js'

export const COMMITTED_MODEL = 'models/iris_model/1/iris_model.json'

let cached: Promise<PredictionModel> | undefined

/** The model under test (loaded once per test file). */
export function testModel(): Promise<PredictionModel> {
  cached ??= (async () => {
    if (existsSync(COMMITTED_MODEL)) return loadModel(COMMITTED_MODEL)
    const dir = await tempDir('iris-api-test-')
    try {
      const saved = await savedSmallModel(dir, 'iris_model')
      return await loadModel(saved.modelPath)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })()
  return cached
}

export interface TestApp {
  app: App
  models: ModelSlot
  config: Config
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[]
}

export async function buildTestApp(
  env: Record<string, string> = {},
  opts: { withModel?: boolean } = {},
): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'info', WEB_ROOT: 'test/api/fixtures/web', ...env })
  const models = new ModelSlot(opts.withModel === false ? null : await testModel())
  const logs: Record<string, unknown>[] = []
  const logger = createLogger(config.LOG_LEVEL, { write: (line: string) => void logs.push(JSON.parse(line)) })
  const app = await buildApp(config, models, { logger })
  await app.ready()
  return { app, models, config, logs }
}

/** The request log lines (message "Request completed"). */
export function requestLines(logs: Record<string, unknown>[]): Record<string, unknown>[] {
  return logs.filter((l) => l.message === 'Request completed')
}

/** Typical flowers of each species (training rows), for requests whose answer is checked against the model. */
export const SETOSA = [5.1, 3.5, 1.4, 0.2]
export const VERSICOLOR = [6.0, 2.7, 4.2, 1.3]
export const VIRGINICA = [6.2, 3.4, 5.4, 2.3]

/** POST `payload` (JSON-encoded unless already a string) with `headers`, JSON content type by default. */
export function postTo(
  t: TestApp,
  url: string,
  payload: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  return t.app.inject({ method: 'POST', url, payload: body, headers })
}

/**
 * The request through the app's HTTP server handler, as a listening server would get it (the fast lane
 * first, then Fastify), without a port: light-my-request drives the server's 'request' listener.
 */
export function injectServer(app: App, options: InjectOptions): Promise<Response> {
  const listener = app.server.listeners('request')[0] as DispatchFunc | undefined
  if (listener === undefined) throw new Error('the app has no HTTP server request listener')
  return inject(listener, options)
}
