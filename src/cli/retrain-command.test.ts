import { appendFile, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/support/model.js'
import { FEEDBACK_FILE } from '../model/registry/feedback-file.js'
import { Registry } from '../model/registry/index.js'
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

const HEADER = 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species'
let root: string
const retrain = (...extra: string[]) => run('retrain', '--registry', root, '--name', 'iris_model', ...extra)

beforeAll(async () => {
  root = await tempDir('iris-cli-retrain-')
  const first = await run('train', '--trees', '5', '--cv', 'none', '--registry', root)
  expect(first.code).toBe(0)
  const rows = Array.from({ length: 30 }, (_, i) => `${6 + (i % 5) / 10},3,${5 + (i % 7) / 10},2,virginica`)
  await writeFile(join(root, 'iris_model', FEEDBACK_FILE), `${HEADER}\n${rows.join('\n')}\n`)
})
afterAll(() => rm(root, { recursive: true, force: true }))

describe('iris retrain', () => {
  it("trains on stable's recorded data + the feedback rows, reports both accuracies, registers version 2 (no alias)", async () => {
    const r = await retrain()
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Data: data\/iris\.csv \(150 rows\) \+ 30 feedback rows from /m)
    expect(r.stdout).toMatch(/^Hold-out: 36 rows \(stratified, seed 42\); 5 trees$/m)
    expect(r.stdout).toMatch(
      /^Accuracy on the hold-out: new version 2 [01]\.\d{4}, stable version 1 [01]\.\d{4}$/m,
    )
    expect(r.stdout).toMatch(/^Registered version 2 of "iris_model" \(no alias yet\)$/m)
    const snap = await new Registry(root).snapshot('iris_model')
    expect(snap.aliases).toEqual({ stable: '1' })
    const meta = JSON.parse(await readFile(join(root, 'iris_model', '2', 'iris_model_metadata.json'), 'utf8'))
    expect(meta.train_samples + meta.test_samples).toBe(180)
    expect(meta.training.data).toBe('data/iris.csv')
    expect(snap.rollout).toBeNull()
  })

  it('--shadow with --data and --seed leaves a running shadow rollout of the new version', async () => {
    const r = await retrain('--data', 'data/iris.csv', '--seed', '7', '--shadow')
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^Registered version 3 of "iris_model"/m)
    expect(r.stdout).toMatch(/^Shadow rollout started: version 3 beside stable 1/m)
    const snap = await new Registry(root).snapshot('iris_model')
    expect(snap.aliases).toEqual({ stable: '1', candidate: '3' })
    expect(snap.rollout).toMatchObject({ status: 'running', mode: 'shadow', stable: '1', candidate: '3' })
    const again = await retrain('--shadow')
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^iris retrain: a rollout of version 3 is already running/)
  })

  it('on feedback that contradicts stable, the new version beats stable on the same hold-out', async () => {
    const trained = await run(
      'train',
      '--trees',
      '5',
      '--cv',
      'none',
      '--registry',
      root,
      '--name',
      'shifted',
    )
    expect(trained.code).toBe(0)
    const rows = Array.from({ length: 60 }, (_, i) => `${5 + (i % 4) / 10},3.4,1.5,0.2,virginica`)
    await writeFile(join(root, 'shifted', FEEDBACK_FILE), `${HEADER}\n${rows.join('\n')}\n`)
    const r = await run('retrain', '--registry', root, '--name', 'shifted')
    expect(r.stderr).toBe('')
    const m = r.stdout.match(/new version 2 ([01]\.\d{4}), stable version 1 ([01]\.\d{4})/)
    expect(m).not.toBeNull()
    const [fresh, stable] = [Number(m![1]), Number(m![2])]
    expect(fresh).toBeGreaterThan(stable + 0.2) // stable calls the 12 hold-out feedback rows setosa
  })

  it('a stable version that does not record its training data needs --data (said plainly)', async () => {
    await run('train', '--trees', '3', '--cv', 'none', '--registry', root, '--name', 'nodata')
    const metaPath = join(root, 'nodata', '1', 'nodata_metadata.json')
    const meta = JSON.parse(await readFile(metaPath, 'utf8'))
    delete meta.training.data
    await writeFile(metaPath, JSON.stringify(meta))
    const r = await run('retrain', '--registry', root, '--name', 'nodata')
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe(
      'iris retrain: stable version 1 of "nodata" does not record its training data: give --data <csv>',
    )
    const ok = await run('retrain', '--registry', root, '--name', 'nodata', '--data', 'data/iris.csv')
    expect(ok.stdout).toMatch(/^Registered version 2 of "nodata"/m)
  })

  it('bad input gets one line: unknown name, missing flags, feedback with other columns', async () => {
    const unknown = await run('retrain', '--registry', root, '--name', 'nope')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(`iris retrain: model "nope" has no versions in ${root}\n`)
    const missing = await run('retrain', '--name', 'iris_model')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^iris retrain: --registry <dir> is required\n/)
    await appendFile(join(root, 'iris_model', 'x.csv'), 'a,b,species\n1,2,setosa\n3,4,virginica\n')
    const other = await retrain('--data', join(root, 'iris_model', 'x.csv'))
    expect(other.code).toBe(1)
    expect(other.stderr.trim().split('\n')).toHaveLength(1)
    expect(other.stderr).toMatch(
      /feedback\.csv has columns "sepal_length_cm,.*species", the training data .*x\.csv has "a,b,species"/,
    )
    await writeFile(join(root, 'iris_model', FEEDBACK_FILE), 'a,b,c,d,species\n1,2,3,4,setosa\n')
    const torn = await retrain()
    expect(torn.code).toBe(1)
    expect(torn.stderr).toMatch(
      /^iris retrain: .*feedback\.csv has columns "a,b,c,d,species", the training data data\/iris\.csv has "sepal_length_cm,/,
    )
  })
})
