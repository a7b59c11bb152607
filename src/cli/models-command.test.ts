import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/support/model.js'
import { writeOnline } from '../model/registry/index.js'
import type { CliIo } from './io.js'
import { main } from './main.js'

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    readStdin: async () => '',
  }
  return { code: await main(argv, io), stdout, stderr }
}

let root: string
const train = (...extra: string[]) => run('train', '--trees', '5', '--cv', '3', '--registry', root, ...extra)
const models = (...args: string[]) => run('models', ...args, '--registry', root)

beforeAll(async () => {
  root = await tempDir('iris-cli-registry-')
})
afterAll(() => rm(root, { recursive: true, force: true }))

describe('iris train --registry', () => {
  it('adds version 1 (stable), then version 2 (no alias), printing each number', async () => {
    const first = await train()
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^Registered version 1 of "iris_model" \(stable\)$/m)
    expect(first.stdout).toContain(join(root, 'iris_model', '1', 'iris_model.json'))
    const second = await train('--seed', '3')
    expect(second.stdout).toMatch(/^Registered version 2 of "iris_model" \(no alias yet\)$/m)
    const other = await train('--name', 'other')
    expect(other.stdout).toMatch(/^Registered version 1 of "other" \(stable\)$/m)
  })

  it('refuses --out with --registry, and an empty --registry', async () => {
    expect((await train('--out', root)).stderr).toMatch(/--out or --registry, not both/)
    const r = await run('train', '--registry', ' ')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--registry needs a folder/)
  })
})

describe('iris models', () => {
  it('lists versions with created-at, data hash, hold-out, CV and online accuracy, and aliases', async () => {
    await writeOnline(join(root, 'iris_model'), { '2': { rows: 8, correct: 6 } })
    const r = await models('list', '--name', 'iris_model')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^iris_model \(aliases revision \d+\)$/)
    expect(lines[1]).toMatch(/^version +aliases +created_at +data_sha256 +holdout +cv +online$/)
    expect(lines[2]).toMatch(/^1 +stable +\d{4}-\d\d-\d\dT\S+ +[0-9a-f]{12} +\d\.\d{4} +\d\.\d{4} +-$/)
    expect(lines[3]).toMatch(/^2 +- +\S+ +[0-9a-f]{12} +\d\.\d{4} +\d\.\d{4} +0\.7500 \(n=8\)$/)
    const all = await models('list')
    expect(all.stdout).toMatch(/^other \(aliases revision/m)
    const json = JSON.parse((await models('list', '--json', '--name', 'iris_model')).stdout)
    expect(json[0].versions.map((v: { version: string }) => v.version)).toEqual(['1', '2'])
  })

  it('alias, promote and rollback edit aliases.json; promote then rollback restores the old stable', async () => {
    expect((await models('alias', 'candidate', '2')).stdout).toContain('candidate -> version 2')
    const promoted = await models('promote', '--reason', 'better on feedback')
    expect(promoted.stdout).toContain('stable is version 2')
    const back = await models('rollback')
    expect(back.stdout).toContain('stable 2 -> 1')
    const doc = JSON.parse(await readFile(join(root, 'iris_model', 'aliases.json'), 'utf8'))
    expect(doc.aliases).toEqual({ stable: '1' })
    expect(doc.history.map((e: { action: string }) => e.action)).toEqual([
      'register',
      'alias',
      'promote',
      'rollback',
    ])
    const shown = await models('show', 'stable')
    expect(shown.stdout).toMatch(/^version: 1$/m)
    expect(shown.stdout).toMatch(/promote stable: 1 -> 2 \(better on feedback\)/)
    expect((await models('alias', 'experiment', '2')).code).toBe(0)
    expect((await models('alias', 'experiment', '--delete')).stdout).toContain('Removed alias experiment')
  })

  it('fails with exit 1 and a clear message for unknown versions, aliases and empty registries', async () => {
    const cases: [string[], RegExp][] = [
      [['show', '7'], /has no version "7"/],
      [['show', 'canary'], /has no alias "canary"/],
      [['alias', 'candidate', '9'], /has no version "9"/],
      [['rollback'], /no previous stable version/],
      [['promote'], /no candidate to promote/],
    ]
    for (const [args, message] of cases) {
      const r = await models(...args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr, args.join(' ')).toMatch(message)
    }
    const empty = await run('models', 'list', '--registry', join(root, 'none'))
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/no models in this registry/)
  })

  it('reports a broken version folder in the table and refuses to alias it', async () => {
    await train('--name', 'broken')
    await train('--name', 'broken')
    await writeFile(join(root, 'broken', '2', 'broken.json'), '{')
    const r = await models('list', '--name', 'broken')
    expect(r.stdout).toMatch(/^broken: version 2 is not served: .*broken\.json/m)
    expect((await models('alias', 'candidate', '2', '--name', 'broken')).stderr).toMatch(/is broken/)
  })

  it('exits 2 on a bad command line', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['list', 'extra'],
      ['show'],
      ['alias', 'x'],
      ['list', '--nope'],
    ]) {
      const r = await models(...args)
      expect(r.code, args.join(' ')).toBe(2)
    }
    expect((await run('models', '--help')).stdout).toContain('Usage: iris models <subcommand>')
  })
})
