/**
 * POST /feedback keeps its accepted rows in the registry's <name>/feedback.csv (header = feature names + the
 * training target column), each row exactly once, in the order answered; refused feedback adds nothing. The
 * per-version counts add up in <name>/online.json (online accuracy so far), also under concurrent feedback.
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../../src/api/app.js'
import { createLogger } from '../../src/api/logging.js'
import { loadConfig } from '../../src/config.js'
import { saveModel } from '../../src/model/artifact.js'
import { ModelSlot } from '../../src/model/model-slot.js'
import { FEEDBACK_FILE } from '../../src/model/registry/feedback-file.js'
import {
  Registry,
  RegistryApplier,
  readOnline,
  ServedVersions,
  servingRegistry,
} from '../../src/model/registry/index.js'
import { metadataFor, smallIrisModel, tempDir } from '../support/model.js'

const NAME = 'iris_model'
let root: string
let app: App
let features: readonly string[]

beforeAll(async () => {
  root = await tempDir('iris-feedback-keep-')
  const { description } = await smallIrisModel(5)
  features = description.featureNames
  await new Registry(root).addVersion(NAME, async (dir) => {
    await saveModel(dir, NAME, description, { ...metadataFor(description), training: { target: 'species' } })
  })
  const config = loadConfig({ LOG_LEVEL: 'silent', MODELS_DIR: root })
  const models = new ModelSlot()
  const versions = new ServedVersions()
  const target = servingRegistry(config)!
  await new RegistryApplier(target.registry, NAME, versions, models, { warn: () => {} }).readAndApply()
  app = await buildApp(config, models, { logger: createLogger('silent'), versions, registry: target })
  await app.ready()
})
afterAll(async () => {
  await app?.close()
  await rm(root, { recursive: true, force: true })
})

const post = (body: unknown) =>
  app.inject({ method: 'POST', url: '/feedback', payload: body as Record<string, unknown> })

describe('POST /feedback -> feedback.csv', () => {
  it('appends each accepted row exactly once, after the header; refused bodies add nothing', async () => {
    const a = await post({
      input: [
        [5.1, 3.5, 1.4, 0.2],
        [6.7, 3.1, 4.4, 1.4],
      ],
      truth: ['setosa', 'versicolor'],
    })
    expect(a.statusCode).toBe(200)
    const bad = await post({ input: [[5.1, 3.5, 1.4, 0.2]], truth: ['rose'] })
    expect(bad.statusCode).toBe(422)
    const b = await post({ input: [[7.7, 2.6, 6.9, 2.3]], truth: ['virginica'] })
    expect(b.statusCode).toBe(200)
    const text = await readFile(join(root, NAME, FEEDBACK_FILE), 'utf8')
    expect(text).toBe(
      `${[...features, 'species'].join(',')}\n5.1,3.5,1.4,0.2,setosa\n6.7,3.1,4.4,1.4,versicolor\n7.7,2.6,6.9,2.3,virginica\n`,
    )
  })

  it("adds every answered row to online.json with the version's correct count, concurrent requests included", async () => {
    const before = (await readOnline(join(root, NAME)))?.versions['1'] ?? { rows: 0, correct: 0 }
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post({
          input: [
            [5.1, 3.5, 1.4, 0.2],
            [6.7, 3.1, 4.4, 1.4],
          ],
          truth: ['setosa', i % 2 ? 'setosa' : 'versicolor'],
        }),
      ),
    )
    let correct = 0
    for (const r of replies) {
      expect(r.statusCode).toBe(200)
      correct += (r.json() as { versions: Record<string, { correct: number }> }).versions['1']!.correct
    }
    const after = (await readOnline(join(root, NAME)))!.versions['1']!
    expect(after.rows - before.rows).toBe(16)
    expect(after.correct - before.correct).toBe(correct)
  })
})
