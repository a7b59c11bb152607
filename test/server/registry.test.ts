/**
 * The registry with real processes: `node dist/server.js` with 2 workers serving a registry folder, and the
 * `iris models` CLI (another process) changing its aliases. A running server picks the change up by polling
 * (REGISTRY_POLL_S) or at once on SIGHUP (polling off), every worker together; a broken version folder never
 * serves. Every prediction answer names its version in X-Model-Version.
 */
import { execFile } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { saveModel } from '../../src/model/artifact.js'
import { Registry } from '../../src/model/registry/index.js'
import { metadataFor, smallIrisModel, tempDir } from '../support/model.js'
import { ensureBuilt, type Running, servingPids, startServer, waitFor200, waitForLog } from './process.js'

const exec = promisify(execFile)
const NAME = 'iris_model'
let root: string
let running: Running | undefined

beforeAll(async () => {
  await ensureBuilt()
  root = await tempDir('iris-registry-proc-')
  const registry = new Registry(root)
  for (const trees of [5, 9, 4]) {
    const { description } = await smallIrisModel(trees)
    await registry.addVersion(NAME, async (dir) => {
      await saveModel(dir, NAME, description, metadataFor(description))
    })
  }
  // Version 3 breaks after it was written: listed as broken, never served.
  await writeFile(join(root, NAME, '3', `${NAME}.json`), '{"format":')
}, 180_000)
afterEach(async () => {
  await running?.stop()
  running = undefined
})
afterAll(() => rm(root, { recursive: true, force: true }))

/** `iris models ...` as its own process (the built CLI). */
const cli = (...args: string[]) =>
  exec(process.execPath, ['dist/cli.js', 'models', ...args, '--registry', root])

/** The X-Model-Version of `n` one-row predictions (spread over both workers by the OS). */
async function versionsAnswering(base: string, n = 30): Promise<Set<string>> {
  const seen = new Set<string>()
  await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(`${base}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] }),
      })
      expect(res.status).toBe(200)
      seen.add(res.headers.get('x-model-version') ?? 'none')
    }),
  )
  return seen
}

describe('a 2-worker server on a registry', () => {
  it('picks up an alias change made by the CLI within REGISTRY_POLL_S, on every worker', async () => {
    running = await startServer({ WORKERS: '2', MODELS_DIR: root, REGISTRY_POLL_S: '0.5' })
    await waitFor200(`${running.base}/health/ready`, 2)
    await waitForLog(running, 'All workers ready')
    await waitForLog(running, 'Standby worker ready')
    expect(servingPids(running)).toHaveLength(2)
    expect(await versionsAnswering(running.base)).toEqual(new Set(['1']))
    const listed = await (await fetch(`${running.base}/models`)).json()
    expect(listed.models[0].broken).toEqual([
      { version: '3', reason: expect.stringMatching(/3\/iris_model\.json/) },
    ])

    const from = running.lines.length
    const { stdout } = await cli('alias', 'stable', '2', '--reason', 'test')
    expect(stdout).toContain('stable is version 2')
    const applied = await waitForLog(running, 'Registry change applied', from)
    expect(applied).toMatchObject({ model_version: '2', previous_version: '1', workers: 2 })
    expect(await versionsAnswering(running.base)).toEqual(new Set(['2']))

    // promote then rollback restores the old stable (CLI), and the server follows.
    await cli('alias', 'candidate', '1')
    await cli('promote')
    const back = running.lines.length
    await cli('rollback')
    await waitForLog(running, 'Registry change applied', back)
    await new Promise((r) => setTimeout(r, 1500)) // a poll or two more: nothing else changes
    expect(await versionsAnswering(running.base)).toEqual(new Set(['2']))
  }, 90_000)

  it('with polling off, applies a change only on SIGHUP; a broken stable is refused and the old one serves', async () => {
    await cli('alias', 'stable', '1')
    running = await startServer({ WORKERS: '2', MODELS_DIR: root, REGISTRY_POLL_S: '0' })
    await waitFor200(`${running.base}/health/ready`, 2)
    await waitForLog(running, 'All workers ready')
    expect(await versionsAnswering(running.base)).toEqual(new Set(['1']))

    await cli('alias', 'stable', '2')
    expect(await versionsAnswering(running.base)).toEqual(new Set(['1'])) // not polled
    let from = running.lines.length
    running.child.kill('SIGHUP')
    await waitForLog(running, 'Registry change applied', from)
    expect(await versionsAnswering(running.base)).toEqual(new Set(['2']))

    // Point stable at the broken version by hand-editing around the CLI's checks: refused by the workers.
    const aliases = join(root, NAME, 'aliases.json')
    const doc = JSON.parse(await (await import('node:fs/promises')).readFile(aliases, 'utf8'))
    await writeFile(aliases, JSON.stringify({ ...doc, revision: doc.revision + 1, aliases: { stable: '3' } }))
    from = running.lines.length
    running.child.kill('SIGHUP')
    const refused = await waitForLog(
      running,
      'Registry change refused, still serving the previous versions',
      from,
    )
    expect(String(refused.error)).toMatch(/stable version 3 .* missing or broken/)
    expect(await versionsAnswering(running.base)).toEqual(new Set(['2']))
    await cli('alias', 'stable', '1') // leave the registry valid for others
  }, 90_000)
})
