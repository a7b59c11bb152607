import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { metadataFor, smallIrisModel, tempDir } from '../../../test/support/model.js'
import { saveModel } from '../artifact.js'
import type { ModelDescription } from '../serialize.js'
import {
  ALIASES_FILE,
  LOCK_FILE,
  loadServedSet,
  Registry,
  RegistryError,
  readAliases,
  versionRows,
  writeOnline,
} from './index.js'

const exec = promisify(execFile)
const NAME = 'iris_model'
let description: ModelDescription
let root: string
let registry: Registry

beforeAll(async () => {
  description = (await smallIrisModel(5)).description
})
beforeEach(async () => {
  root = await tempDir('iris-registry-')
  registry = new Registry(root)
})
afterEach(() => rm(root, { recursive: true, force: true }))

const add = (d: ModelDescription = description, name = NAME) =>
  registry.addVersion(name, async (dir) => {
    await saveModel(dir, name, d, metadataFor(d))
  })

async function fault(p: Promise<unknown>): Promise<RegistryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(RegistryError)
  return err as RegistryError
}

describe('adding versions', () => {
  it('numbers versions 1, 2, 3; the first becomes stable, later ones get no alias', async () => {
    const a = await add()
    const b = await add()
    const c = await add()
    expect([a.version, b.version, c.version]).toEqual(['1', '2', '3'])
    expect(a.aliases).toEqual(['stable'])
    expect(b.aliases).toEqual([])
    const doc = await readAliases(registry.nameDir(NAME))
    expect(doc.aliases).toEqual({ stable: '1' })
    expect(doc.last_version).toBe(3)
    expect(await registry.names()).toEqual([NAME])
  })

  it('never reuses a number, even after the newest folder is deleted', async () => {
    await add()
    await add()
    await rm(join(registry.nameDir(NAME), '2'), { recursive: true })
    expect((await add()).version).toBe('3')
  })

  it('does not rename in a version whose files do not load, and leaves no temp folder', async () => {
    await add()
    const err = await registry
      .addVersion(NAME, async (dir) => {
        await writeFile(join(dir, `${NAME}.json`), '{"format": "iris-forest"')
      })
      .catch((e: Error) => e)
    expect(String(err)).toMatch(/iris_model\.json/)
    const { readdir } = await import('node:fs/promises')
    expect((await readdir(registry.nameDir(NAME))).sort()).toEqual(['1', ALIASES_FILE])
  })

  it('refuses a model name that could leave the root', async () => {
    expect((await fault(Promise.resolve().then(() => registry.nameDir('../x')))).kind).toBe('invalid')
  })
})

describe('broken folders', () => {
  it('lists a broken or half-written version folder apart, with the reason, and never serves it', async () => {
    await add()
    await add()
    const dir = registry.nameDir(NAME)
    await writeFile(join(dir, '2', `${NAME}.json`), '{"truncated": ')
    await mkdir(join(dir, '3'))
    await mkdir(join(dir, '.tmp-123-abc')) // a version still being written: not a version at all
    const s = await registry.snapshot(NAME)
    expect(s.versions.map((v) => v.version)).toEqual(['1'])
    expect(s.broken.map((b) => [b.version, b.reason])).toEqual([
      ['2', expect.stringMatching(/2\/iris_model\.json: .*JSON/)],
      ['3', expect.stringMatching(/3\/iris_model\.json: file not found/)],
    ])
    expect((await fault(registry.setAlias(NAME, 'candidate', '2'))).kind).toBe('conflict')
    // An alias already pointing at a version that broke later: skipped with a warning, stable still served.
    await writeFile(
      join(dir, ALIASES_FILE),
      JSON.stringify({ ...(await readAliases(dir)), aliases: { stable: '1', candidate: '2' } }),
    )
    const warnings: object[] = []
    const set = await loadServedSet(await registry.snapshot(NAME), null, { warn: (o) => warnings.push(o) })
    expect([...set.models.keys()]).toEqual(['1'])
    expect(set.aliases).toEqual({ stable: '1' })
    expect(set.stable.version).toBe('1')
    expect(warnings).toEqual([expect.objectContaining({ version: '2' })])
  })

  it('refuses to build a served set whose stable version is broken', async () => {
    await add()
    await writeFile(join(registry.nameDir(NAME), '1', `${NAME}.json`), 'nope')
    const err = await fault(loadServedSet(await registry.snapshot(NAME), null, { warn: () => {} }))
    expect(err.message).toMatch(/stable version 1 .* missing or broken/)
  })

  it('refuses a hand-edited aliases.json with a fault, naming the file and the fault', async () => {
    await add()
    await writeFile(join(registry.nameDir(NAME), ALIASES_FILE), '{"format": "iris-registry-aliases"}')
    const err = await fault(registry.snapshot(NAME))
    expect(err.message).toMatch(/aliases\.json: revision must be an integer/)
  })
})

describe('aliases, promote, rollback', () => {
  it('promote makes the candidate stable; rollback (no candidate) restores the previous stable', async () => {
    await add()
    await add()
    await registry.setAlias(NAME, 'candidate', '2', 'test')
    let doc = await registry.promote(NAME, null, 'better')
    expect(doc.aliases).toEqual({ stable: '2' })
    expect(doc.previous_stable).toEqual(['1'])
    doc = await registry.rollback(NAME, 'oops')
    expect(doc.aliases).toEqual({ stable: '1' })
    expect(doc.previous_stable).toEqual([])
    expect(doc.history.map((e) => [e.action, e.alias, e.from, e.to])).toEqual([
      ['register', 'stable', null, '1'],
      ['alias', 'candidate', null, '2'],
      ['promote', 'stable', '1', '2'],
      ['rollback', 'stable', '2', '1'],
    ])
    expect((await fault(registry.rollback(NAME))).message).toMatch(/no previous stable/)
  })

  it('rollback with a candidate ends the rollout and leaves stable alone', async () => {
    await add()
    await add()
    await registry.setAlias(NAME, 'candidate', '2')
    const doc = await registry.rollback(NAME, 'worse')
    expect(doc.aliases).toEqual({ stable: '1' })
  })

  it('refuses unknown versions (404), bad alias names (400) and a candidate with other classes (409)', async () => {
    await add()
    expect((await fault(registry.setAlias(NAME, 'candidate', '9'))).kind).toBe('not_found')
    expect((await fault(registry.resolve(NAME, 'canary'))).kind).toBe('not_found')
    expect((await fault(registry.setAlias(NAME, '2nd', '1'))).kind).toBe('invalid')
    expect((await fault(registry.removeAlias(NAME, 'stable'))).kind).toBe('invalid')
    expect((await fault(registry.promote(NAME))).message).toMatch(/no candidate/)
    const other = { ...description, classes: ['a', 'b', 'c'] }
    await add(other)
    const err = await fault(registry.setAlias(NAME, 'candidate', '2'))
    expect(err.kind).toBe('conflict')
    expect(err.message).toMatch(/version 2 has classes \[a, b, c\], version 1 has \[setosa/)
    // Any other alias may point anywhere valid: it is only an address.
    await registry.setAlias(NAME, 'experiment', '2')
    expect((await registry.resolve(NAME, 'experiment')).version).toBe('2')
  })

  it('compare-and-swap: an edit expecting an old revision is refused', async () => {
    await add()
    const { editAliases } = await import('./aliases.js')
    const dir = registry.nameDir(NAME)
    const rev = (await readAliases(dir)).revision
    await editAliases(dir, (d) => void (d.aliases.x = '1'), { expectRevision: rev })
    const err = await fault(editAliases(dir, (d) => void (d.aliases.y = '1'), { expectRevision: rev }))
    expect(err.kind).toBe('conflict')
  })

  it('the table rows carry accuracies, aliases and online accuracy from online.json', async () => {
    await add()
    await add()
    await writeOnline(registry.nameDir(NAME), { '1': { rows: 10, correct: 9 } })
    const rows = versionRows(await registry.snapshot(NAME))
    expect(rows.map((r) => [r.version, r.aliases, r.online_accuracy, r.online_rows])).toEqual([
      ['1', ['stable'], 0.9, 10],
      ['2', [], null, 0],
    ])
    expect(rows[0]!.model_hash).toMatch(/^[0-9a-f]{12}$/)
  })
})

describe('the lock', () => {
  it('breaks a lock left by a dead process', async () => {
    await add()
    await writeFile(
      join(registry.nameDir(NAME), LOCK_FILE),
      `999999 ${(await import('node:os')).hostname()} x`,
    )
    const doc = await registry.setAlias(NAME, 'x', '1')
    expect(doc.aliases.x).toBe('1')
  })
})

describe('concurrent writers in separate processes', () => {
  const writer = join(import.meta.dirname, '../../../test/support/registry-writer.ts')
  const tsx = join(import.meta.dirname, '../../../node_modules/.bin/tsx')
  const spawnWriter = (mode: string, id: number, n: number) =>
    exec(tsx, [writer, root, NAME, mode, String(id), String(n)]).then(
      (r) => JSON.parse(r.stdout) as { versions: string[] },
    )

  it('loses no alias edit and never tears aliases.json (4 processes x 15 edits, a reader throughout)', async () => {
    await add()
    const dir = registry.nameDir(NAME)
    const before = (await readAliases(dir)).revision
    let reading = true
    let reads = 0
    const reader = (async () => {
      while (reading) {
        JSON.parse(await readFile(join(dir, ALIASES_FILE), 'utf8')) // throws on a torn file
        reads++
        await new Promise((r) => setTimeout(r, 1))
      }
    })()
    await Promise.all([0, 1, 2, 3].map((id) => spawnWriter('alias', id, 15)))
    reading = false
    await reader
    const doc = await readAliases(dir)
    expect(doc.revision).toBe(before + 60)
    expect(Object.keys(doc.aliases).length).toBe(61)
    expect(reads).toBeGreaterThan(0)
  }, 60_000)

  it('gives distinct numbers to versions added at once (3 processes x 3 versions)', async () => {
    await add()
    const results = await Promise.all([0, 1, 2].map((id) => spawnWriter('version', id, 3)))
    const numbers = results.flatMap((r) => r.versions).map(Number)
    expect(numbers.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10])
    const s = await registry.snapshot(NAME)
    expect(s.versions).toHaveLength(10)
    expect(s.broken).toEqual([])
    expect(s.aliases).toEqual({ stable: '1' })
  }, 60_000)
})
