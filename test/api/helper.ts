/**
 * Builds the app around a real model for inject tests: the committed models/iris_model.json when it exists,
 * otherwise a small forest trained here by our own engine (test/support/model.ts). Logs go to memory so
 * tests can read the request lines; every app is closed after its test file.
 */
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { type App, buildApp } from '../../src/api/app.js'
import { createLogger } from '../../src/api/logging.js'
import { ModelHolder } from '../../src/api/model-holder.js'
import { type Config, loadConfig } from '../../src/config.js'
import { loadModel } from '../../src/model/service.js'
import type { PredictionModel } from '../../src/model/types.js'
import { savedSmallModel, tempDir } from '../support/model.js'

export const COMMITTED_MODEL = 'models/iris_model.json'

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
  models: ModelHolder
  config: Config
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[]
}

export async function buildTestApp(
  env: Record<string, string> = {},
  opts: { withModel?: boolean } = {},
): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'info', WEB_ROOT: 'test/api/fixtures/web', ...env })
  const models = new ModelHolder(opts.withModel === false ? null : await testModel())
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
