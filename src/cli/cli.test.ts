import { execFile } from 'node:child_process'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/support/model.js'
import { loadModel } from '../model/load-model.js'
import { TRAIN_DEFAULTS } from '../train.js'
import type { CliIo } from './io.js'
import { main } from './main.js'
import { parseTrainArgs, TRAIN_FLAGS } from './train-command.js'

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function run(argv: string[], stdin = ''): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    out: (t) => {
      stdout += t
    },
    err: (t) => {
      stderr += t
    },
    readStdin: async () => stdin,
  }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

let dir: string
let modelPath: string
beforeAll(async () => {
  dir = await tempDir('iris-cli-')
  const r = await run(['train', '--trees', '10', '--cv', '3', '--out', dir, '--name', 'small'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  modelPath = join(dir, 'small.json')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('iris train', () => {
  it('prints the report, confusion matrix, sorted importances and CV folds, and writes both files', async () => {
    const r = await run([
      'train',
      '--trees',
      '10',
      '--cv',
      '3',
      '--out',
      dir,
      '--name',
      'again',
      '--seed',
      '3',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/precision +recall +f1-score +support/)
    expect(r.stdout).toMatch(/^ +setosa +\d\.\d\d +\d\.\d\d +\d\.\d\d +10$/m)
    expect(r.stdout).toMatch(/^ +accuracy +\d\.\d\d +30$/m)
    expect(r.stdout).toMatch(/^weighted avg /m)
    expect(r.stdout).toMatch(/^true \\ predicted +setosa +versicolor +virginica$/m)
    const importances = [...r.stdout.matchAll(/^ {2}(\w+_cm) +(\d\.\d{4})/gm)].map((m) => Number(m[2]))
    expect(importances).toHaveLength(4)
    expect(importances).toEqual([...importances].sort((a, b) => b - a))
    expect(r.stdout).toMatch(/^ {2}fold 3: \d\.\d{4}$/m)
    expect(r.stdout).toMatch(/^ {2}mean: \d\.\d{4} ± \d\.\d{4}$/m)
    expect((await readdir(dir)).filter((f) => f.startsWith('again')).sort()).toEqual([
      'again.json',
      'again_metadata.json',
    ])
    const meta = JSON.parse(await readFile(join(dir, 'again_metadata.json'), 'utf8'))
    expect(meta).toMatchObject({
      n_estimators: 10,
      seed: 3,
      train_samples: 120,
      test_samples: 30,
      format_version: 2,
    })
    expect(meta.cv_accuracy.folds).toHaveLength(3)
    expect(meta.data_sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(Date.parse(meta.created_at)).not.toBeNaN()
    expect(r.stdout).toContain(`model_version ${meta.model_version}`)
  })

  it('skips CV with --cv none and honours every hyper-parameter flag', async () => {
    const r = await run([
      'train',
      ...['--trees', '5', '--max-depth', '2', '--min-samples-split', '0.1', '--min-samples-leaf', '3'],
      ...['--max-features', 'all', '--test-size', '0.3', '--cv', 'none', '--out', dir, '--name', 'flags'],
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain('fold')
    const model = await loadModel(join(dir, 'flags.json'))
    expect(model.metadata.cv_accuracy).toBeNull()
    expect(model.metadata.test_samples).toBe(45)
    expect(model.metadata.hyperparameters).toMatchObject({
      n_estimators: 5,
      max_depth: 2,
      min_samples_split: 0.1,
      min_samples_leaf: 3,
      max_features: null,
    })
    for (const tree of model.forest.trees) expect(tree.nodeCount).toBeLessThanOrEqual(7) // depth <= 2
  })

  it('uses the documented defaults', () => {
    expect(parseTrainArgs([])).toEqual(TRAIN_DEFAULTS)
    expect(TRAIN_DEFAULTS).toMatchObject({
      trees: 100,
      testSize: 0.2,
      seed: 42,
      cv: 5,
      out: 'models',
      name: 'iris_model',
    })
  })

  it('lists every flag with its default in --help', async () => {
    const r = await run(['train', '--help'])
    expect(r.code).toBe(0)
    for (const [flag, spec] of Object.entries(TRAIN_FLAGS)) {
      expect(r.stdout).toContain(`--${flag}`)
      if (spec.default) expect(r.stdout).toContain(`(default ${spec.default})`)
    }
    expect(r.stdout).toContain('(default 100)')
  })

  const bad: [string[], RegExp][] = [
    [['--tres', '5'], /Unknown option '--tres'/],
    [['--trees', 'abc'], /--trees must be an integer in \[1, 100000\], got "abc"/],
    [['--trees', '0'], /--trees must be an integer/],
    [['--trees', '2.5'], /--trees must be an integer/],
    [['--trees'], /--trees/],
    [['--max-depth', '0'], /--max-depth must be an integer >= 1, got "0"/],
    [['--min-samples-split', '1'], /--min-samples-split must be an integer >= 2 or a fraction in \(0, 1\]/],
    [['--min-samples-leaf', '0.7'], /--min-samples-leaf must be an integer >= 1 or a fraction in \(0, 0.5\]/],
    [
      ['--max-features', 'half'],
      /--max-features must be sqrt, log2, all, an integer >= 1 or a fraction in \(0, 1\)/,
    ],
    [['--max-features', '0'], /--max-features must be/],
    [['--test-size', '1.5'], /--test-size must be a fraction in \(0, 1\), got "1.5"/],
    [['--test-size', '0x1'], /--test-size must be a fraction/],
    [['--seed=-1'], /--seed must be an integer in \[0, 4294967295\]/],
    [['--seed', '-1'], /Option '--seed' argument is ambiguous/],
    [['--seed', '4294967296'], /--seed must be an integer in \[0, 4294967295\], got "4294967296"/],
    [['--cv', '1'], /--cv must be an integer >= 2, got "1"/],
    [['--cv', '60'], /--cv: invalid k=60/],
    [['--name', '../evil'], /--name must be letters/],
    [['extra'], /Unexpected argument 'extra'/],
  ]
  for (const [args, message] of bad) {
    it(`refuses ${args.join(' ')} with exit code 2`, async () => {
      const r = await run(['train', ...args, '--out', join(dir, 'never')])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stdout).toBe('')
      await expect(readdir(join(dir, 'never'))).rejects.toThrow()
    })
  }

  it('fails with exit code 1 and the file:line for bad data', async () => {
    const r = await run([
      'train',
      '--data',
      'test/fixtures/data/non-numeric.csv',
      '--out',
      join(dir, 'never'),
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'iris train: test/fixtures/data/non-numeric.csv:3 (column 2 "b"): non-numeric value "abc"\n',
    )
    const unknown = await run(['train', '--target', 'kind', '--out', join(dir, 'never')])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('target column "kind" not found; columns are: "sepal_length_cm"')
  })
})

describe('iris predict', () => {
  it('writes the input columns, prediction and per-class probabilities', async () => {
    const input = join(dir, 'rows.csv')
    await writeFile(
      input,
      'id,petal_width_cm,petal_length_cm,sepal_width_cm,sepal_length_cm\n1,0.2,1.4,3.5,5.1\n2,2.5,6.0,3.3,6.3\n',
    )
    const r = await run(['predict', '--model', modelPath, '--input', input, '--proba'])
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(
      'id,petal_width_cm,petal_length_cm,sepal_width_cm,sepal_length_cm,prediction,proba_setosa,proba_versicolor,proba_virginica',
    )
    const model = await loadModel(modelPath)
    const proba = model.predictProba(Float64Array.from([5.1, 3.5, 1.4, 0.2, 6.3, 3.3, 6.0, 2.5]), 2)
    expect(lines[1]).toBe(`1,0.2,1.4,3.5,5.1,setosa,${Array.from(proba.subarray(0, 3)).join(',')}`)
    expect(lines[2]).toBe(`2,2.5,6.0,3.3,6.3,virginica,${Array.from(proba.subarray(3, 6)).join(',')}`)
  })

  it('reads headerless rows from stdin without --proba', async () => {
    const r = await run(['predict', '--model', modelPath, '--input', '-'], '5.1,3.5,1.4,0.2\n')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,prediction\n5.1,3.5,1.4,0.2,setosa\n',
    )
  })

  it('stops at the first bad row: reported with its line and column on stderr, rows before it written, exit 1', async () => {
    const r = await run(['predict', '--model', modelPath, '--input', '-'], '5.1,3.5,1.4,0.2\n6,x,1,1\n7\n')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe(
      'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,prediction\n5.1,3.5,1.4,0.2,setosa\n',
    )
    expect(r.stderr).toBe(
      '<stdin>:2 (column 2): non-numeric value "x" in "sepal_width_cm"\n' +
        'stopped at the first bad row; 1 row(s) written before it\n',
    )
  })

  it('refuses a missing --input (2), a broken model and a missing input file (1)', async () => {
    expect((await run(['predict', '--model', modelPath])).code).toBe(2)
    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{"format": "other"}')
    const r = await run(['predict', '--model', broken, '--input', '-'], '1,2,3,4\n')
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`iris predict: ${broken}: format is "other", expected "iris-forest"\n`)
    const missing = await run(['predict', '--model', modelPath, '--input', join(dir, 'nope.csv')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('nope.csv: file not found')
  })
})

describe('iris', () => {
  it('prints help, refuses unknown commands, and runs as a process with the right exit code', async () => {
    expect((await run(['--help'])).stdout).toMatch(/train .*\n.*predict .*\n.*serve /)
    expect((await run([])).code).toBe(2)
    expect((await run(['serve', '--help'])).stdout).toContain('Usage: iris serve')
    expect((await run(['serve', '--port'])).code).toBe(2)
    expect((await run(['serve', 'extra'])).code).toBe(2)
    const unknown = await run(['fit'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command "fit"')
    const proc = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'src/cli.ts',
      'train',
      '--trees',
      'x',
    ]).catch((e: { code: number; stderr: string }) => e)
    expect(proc).toMatchObject({ code: 2 })
    expect((proc as { stderr: string }).stderr).toContain('--trees must be an integer')
  })
})
