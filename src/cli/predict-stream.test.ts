/**
 * `iris predict` streams: rows are written as pieces of input arrive (output before the input ends), with
 * back-pressure through io.write, and a progress line (rows, rows/s, ETA) on a terminal's stderr only.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMITTED_MODEL } from '../../test/api/helper.js'
import { tempDir } from '../../test/support/model.js'
import type { CliIo } from './io.js'
import { predictCommand } from './predict-command.js'

let dir: string
beforeAll(async () => {
  dir = await tempDir('iris-predict-stream-')
})
afterAll(async () => {
  const { rm } = await import('node:fs/promises')
  await rm(dir, { recursive: true, force: true })
})

const ROW = '5.1,3.5,1.4,0.2\n'

function io(overrides: Partial<CliIo> = {}): CliIo & { stdout: string[]; stderr: string } {
  const self = {
    stdout: [] as string[],
    stderr: '',
    out(t: string) {
      self.stdout.push(t)
    },
    err(t: string) {
      self.stderr += t
    },
    readStdin: async () => '',
    ...overrides,
  }
  return self
}

describe('iris predict (streaming)', () => {
  it('writes the answer for each piece before the next piece of stdin arrives', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const seenBeforeSecond: string[] = []
    const t = io()
    t.stdinPieces = async function* () {
      yield Buffer.from(ROW.repeat(3))
      seenBeforeSecond.push(...t.stdout)
      await gate
      yield Buffer.from(ROW.repeat(2))
    }
    const done = predictCommand(['--model', COMMITTED_MODEL, '--input', '-'], t)
    await new Promise((r) => setTimeout(r, 50))
    release()
    expect(await done).toBe(0)
    expect(seenBeforeSecond.join('').split('\n').filter(Boolean)).toHaveLength(4) // header + 3 rows
    expect(t.stdout.join('').split('\n').filter(Boolean)).toHaveLength(6)
  })

  it('waits for io.write before reading on (back-pressure)', async () => {
    const path = join(dir, 'rows.csv')
    await writeFile(path, ROW.repeat(20_000))
    let pending = 0
    let maxPending = 0
    const t = io({
      write: async () => {
        pending++
        maxPending = Math.max(maxPending, pending)
        await new Promise((r) => setTimeout(r, 1))
        pending--
      },
    })
    expect(await predictCommand(['--model', COMMITTED_MODEL, '--input', path], t)).toBe(0)
    expect(maxPending).toBe(1)
  })

  it('shows rows, rows/s and the time left on a terminal, nothing otherwise', async () => {
    const path = join(dir, 'progress.csv')
    await writeFile(path, ROW.repeat(50_000))
    const tty = io({ errIsTty: true })
    expect(await predictCommand(['--model', COMMITTED_MODEL, '--input', path], tty)).toBe(0)
    expect(tty.stderr).toMatch(new RegExp(`\r50,000 rows, [\\d,]+ rows/s, ETA 0 s${'\u001b'}\\[K\n$`))
    const quiet = io()
    expect(await predictCommand(['--model', COMMITTED_MODEL, '--input', path], quiet)).toBe(0)
    expect(quiet.stderr).toBe('')
    expect(quiet.stdout.join('')).toBe(tty.stdout.join(''))
  })
})
