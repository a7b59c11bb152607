import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { savedSmallModel, tempDir } from '../../test/support/model.js'
import { type ForestModel, loadModel } from '../model/load-model.js'
import type { CliIo } from './io.js'
import { main } from './main.js'

async function run(argv: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    readStdin: async () => stdin,
  }
  return { code: await main(argv, io), stdout, stderr }
}

let dir: string
let modelPath: string
let model: ForestModel
beforeAll(async () => {
  dir = await tempDir('iris-cli-explain-')
  modelPath = (await savedSmallModel(dir, 'small')).modelPath
  model = await loadModel(modelPath)
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('iris predict --explain', () => {
  const ROWS = [
    [5.1, 3.5, 1.4, 0.2],
    [6.3, 3.3, 6.0, 2.5],
    [5.9, 3.0, 4.2, 1.5],
  ]

  it('adds base_value and contrib_<feature> for the predicted class, summing to its probability', async () => {
    const r = await run(
      ['predict', '--model', modelPath, '--input', '-', '--proba', '--explain'],
      ROWS.map((x) => x.join(',')).join('\n'),
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const [header, ...lines] = r.stdout.trimEnd().split('\n')
    const columns = header!.split(',')
    const contribCols = model.featureNames.map((f) => `contrib_${f}`)
    expect(columns.slice(-5)).toEqual(['base_value', ...contribCols])
    const flat = Float64Array.from(ROWS.flat())
    const { expectedValue, contributions } = model.explain(flat, ROWS.length)
    lines.forEach((line, r) => {
      const cells = line.split(',')
      const predicted = cells[columns.indexOf('prediction')]!
      const c = model.classes.indexOf(predicted)
      const base = Number(cells[columns.indexOf('base_value')])
      const contrib = contribCols.map((col) => Number(cells[columns.indexOf(col)]))
      expect(base).toBe(expectedValue[c])
      expect(contrib).toEqual(Array.from(contributions.subarray((r * 3 + c) * 4, (r * 3 + c + 1) * 4)))
      const proba = Number(cells[columns.indexOf(`proba_${predicted}`)])
      expect(Math.abs(base + contrib.reduce((a, b) => a + b, 0) - proba)).toBeLessThanOrEqual(1e-9)
    })
  })

  it('works without --proba, and --help documents it', async () => {
    const r = await run(['predict', '--model', modelPath, '--input', '-', '--explain'], '5.1,3.5,1.4,0.2\n')
    expect(r.stdout.split('\n')[0]).toMatch(/,prediction,base_value,contrib_/)
    const help = await run(['predict', '--help'], '')
    expect(help.stdout).toMatch(/--explain +add TreeSHAP columns for the predicted class/)
  })
})
