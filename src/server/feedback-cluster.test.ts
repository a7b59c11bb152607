/**
 * Feedback rows across a real node:cluster (tsx-run primary and 3 workers): every worker's rows reach
 * feedback.csv exactly once through the primary, whole lines only; a refused append (other columns) comes
 * back to the worker as an error naming the file.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/support/model.js'

let root: string
beforeAll(async () => {
  root = await tempDir('iris-feedback-cluster-')
})
afterAll(() => rm(root, { recursive: true, force: true }))

const url = (f: string) => JSON.stringify(new URL(f, import.meta.url).href)

describe('feedback rows in a cluster', () => {
  it('3 workers x 40 requests x 5 rows land once each via the primary; a refused append reaches the worker', async () => {
    const good = join(root, 'good')
    const bad = join(root, 'bad')
    await mkdir(good)
    await mkdir(bad)
    await writeFile(join(bad, 'feedback.csv'), 'x,y,species\n')
    const script = join(root, 'run.mjs')
    await writeFile(
      script,
      `
import cluster from 'node:cluster'
const { serveClusterFeedback, workerFeedbackSink } = await import(${url('./feedback-cluster.ts')})
const { feedbackLines } = await import(${url('../model/registry/feedback-file.ts')})
const header = ['a', 'b', 'species']
if (cluster.isPrimary) {
  serveClusterFeedback({ error: () => {} })
  let left = 3
  const out = []
  for (let i = 1; i <= 3; i++)
    cluster.fork({ WID: String(i) }).on('message', (m) => { if (m.done) { out.push(m.done); if (--left === 0) { console.log(JSON.stringify(out)); process.exit(0) } } })
} else {
  const sink = workerFeedbackSink()
  const id = Number(process.env.WID)
  await Promise.all(Array.from({ length: 40 }, (_, k) =>
    sink(${JSON.stringify(good)}, header, feedbackLines(new Float64Array(10).fill(id * 1000 + k), 5, 2, Array(5).fill('w' + id)))))
  const refused = await sink(${JSON.stringify(bad)}, header, '1,2,w\\n').then(() => 'kept', (e) => e.message)
  process.send({ done: { id, refused } })
}
`,
    )
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      timeout: 60_000,
    })
    const done = JSON.parse(stdout.trim()) as { id: number; refused: string }[]
    expect(done.map((d) => d.id).sort()).toEqual([1, 2, 3])
    for (const d of done) expect(d.refused).toMatch(/feedback\.csv has columns "x,y,species"/)
    const lines = (await readFile(join(good, 'feedback.csv'), 'utf8')).split('\n')
    expect(lines.shift()).toBe('a,b,species')
    expect(lines.pop()).toBe('')
    expect(lines).toHaveLength(3 * 40 * 5)
    for (const id of [1, 2, 3])
      for (let k = 0; k < 40; k++) {
        const v = id * 1000 + k
        expect(lines.filter((l) => l === `${v},${v},w${id}`)).toHaveLength(5)
      }
    expect(await readFile(join(bad, 'feedback.csv'), 'utf8')).toBe('x,y,species\n')
  }, 60_000)
})
