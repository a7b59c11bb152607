/**
 * MODEL_MAX_BYTES: a model file larger than the cap is refused from its size on the open file, before a
 * byte is read, at load and on reload (the serving model stays). The huge files here are sparse: 8 GiB
 * that take no disk and that no test could read in time, so an answer at all proves nothing was read.
 */
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metadataFor, smallIrisModel } from '../../dev/harness/small-model.js'
import { DEFAULT_MODEL_MAX_BYTES, loadArtifact, saveModel } from './artifact.js'
import { ModelLoadError } from './errors.js'
import { loadModel } from './load-model.js'
import { ModelSlot } from './model-slot.js'
import { modelReloaderFor } from './reload.js'

let dir: string
let small: string
let huge: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iris-size-cap-'))
  small = join(dir, 'iris_model.json')
  const { description } = await smallIrisModel(5)
  await saveModel(dir, 'iris_model', description, metadataFor(description))
  huge = join(dir, 'huge.json')
  const file = await open(huge, 'w')
  await file.truncate(8 * 2 ** 30)
  await file.close()
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('MODEL_MAX_BYTES', () => {
  it('has a default of 32 MiB', () => {
    expect(DEFAULT_MODEL_MAX_BYTES).toBe(32 * 2 ** 20)
  })

  it('refuses an 8 GiB file by its size, without reading it, naming the setting', async () => {
    const err = await loadArtifact(huge).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ModelLoadError)
    expect((err as Error).message).toBe(
      `${huge}: is ${8 * 2 ** 30} bytes, more than MODEL_MAX_BYTES (${DEFAULT_MODEL_MAX_BYTES}); not read (raise MODEL_MAX_BYTES, and the workers' heap, to serve it)`,
    )
  })

  it('applies the cap it is given, to the model file (and loads under it)', async () => {
    await expect(loadModel(small, 1024)).rejects.toThrow(/more than MODEL_MAX_BYTES \(1024\)/)
    const model = await loadModel(small, 1024 * 1024)
    expect(model.name).toBe('iris_model')
  })

  it('a reload of a file over the cap is refused and the serving model stays', async () => {
    const slot = new ModelSlot()
    const reloader = modelReloaderFor({ MODELS_DIR: dir, MODEL_PATH: small, MODEL_MAX_BYTES: 1 << 20 }, slot)
    await reloader.reloadFile()
    const serving = slot.current!
    await expect(reloader.local('huge.json')).rejects.toThrow(
      /model reload refused, still serving [0-9a-f]+: .*huge\.json: is 8589934592 bytes, more than MODEL_MAX_BYTES \(1048576\)/,
    )
    expect(slot.current).toBe(serving)
  })
})
