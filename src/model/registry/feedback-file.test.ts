import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/support/model.js'
import { appendFeedback, FEEDBACK_FILE, feedbackLines } from './feedback-file.js'

const HEADER = ['a', 'b', 'species']
let root: string
beforeAll(async () => {
  root = await tempDir('iris-feedback-file-')
})
afterAll(() => rm(root, { recursive: true, force: true }))

describe('feedback.csv', () => {
  it('writes the header once, then whole lines with exact numbers and quoted labels', async () => {
    const dir = join(root, 'one')
    await mkdir(dir)
    await appendFeedback(dir, HEADER, feedbackLines(new Float64Array([0.1, 2, 1 / 3, 4]), 2, 2, ['x', 'y,z']))
    await appendFeedback(dir, HEADER, feedbackLines(new Float64Array([5, 6]), 1, 2, ['x']))
    const text = await readFile(join(dir, FEEDBACK_FILE), 'utf8')
    expect(text).toBe(`a,b,species\n0.1,2,x\n${1 / 3},4,"y,z"\n5,6,x\n`)
  })

  it('refuses a file whose columns differ from the model', async () => {
    const dir = join(root, 'other')
    await mkdir(dir)
    await writeFile(join(dir, FEEDBACK_FILE), 'a,c,species\n')
    await expect(appendFeedback(dir, HEADER, '1,2,x\n')).rejects.toThrow(/has columns "a,c,species"/)
    expect(await readFile(join(dir, FEEDBACK_FILE), 'utf8')).toBe('a,c,species\n')
  })

  it('concurrent appenders (4 processes x 50 appends of 20 rows, plus in-process) never tear a line', async () => {
    const dir = join(root, 'busy')
    await mkdir(dir)
    const moduleUrl = new URL('./feedback-file.ts', import.meta.url).href
    const script = `
      const { appendFeedback, feedbackLines } = await import(${JSON.stringify(moduleUrl)})
      const id = Number(process.argv[1])
      const rows = new Float64Array(40).fill(id + 0.123456789)
      const labels = Array.from({ length: 20 }, () => 'p' + id + '_' + 'x'.repeat(200))
      for (let k = 0; k < 50; k++) await appendFeedback(${JSON.stringify(dir)}, ['a', 'b', 'species'], feedbackLines(rows, 20, 2, labels))
    `
    const run = promisify(execFile)
    const procs = [1, 2, 3, 4].map((id) =>
      run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, String(id)]),
    )
    const local = Array.from({ length: 50 }, () =>
      appendFeedback(dir, HEADER, feedbackLines(new Float64Array(40).fill(9), 20, 2, Array(20).fill('p9'))),
    )
    await Promise.all([...procs, ...local])
    const lines = (await readFile(join(dir, FEEDBACK_FILE), 'utf8')).split('\n')
    expect(lines.pop()).toBe('')
    expect(lines[0]).toBe('a,b,species')
    const body = lines.slice(1)
    expect(body).toHaveLength(5 * 50 * 20)
    for (const line of body) expect(line).toMatch(/^(\d)(\.123456789)?,\1(\.123456789)?,p\1(_x{200})?$/)
    for (const id of [1, 2, 3, 4, 9])
      expect(body.filter((l) => l.endsWith(id === 9 ? 'p9' : `p${id}_${'x'.repeat(200)}`))).toHaveLength(1000)
  }, 60_000)
})
