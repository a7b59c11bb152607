import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LogWriter, type WriterIo } from './log-writer.js'

/** An fd that records writes; `mode` decides how each async write ends. */
function fakeIo() {
  const out: string[] = []
  const pending: (() => void)[] = []
  let mode: 'ok' | 'half' | 'busy' | 'hold' | 'closed' = 'ok'
  const io: WriterIo = {
    write(_fd, buf, cb) {
      const finish = () => {
        if (mode === 'busy') return cb(Object.assign(new Error('busy'), { code: 'EAGAIN' }), 0)
        if (mode === 'closed') return cb(Object.assign(new Error('gone'), { code: 'EPIPE' }), 0)
        const n = mode === 'half' ? Math.ceil(buf.length / 2) : buf.length
        out.push(buf.subarray(0, n).toString())
        cb(null, n)
      }
      if (mode === 'hold') pending.push(finish)
      else queueMicrotask(finish)
    },
    writeSync(_fd, buf) {
      out.push(buf.toString())
      return buf.length
    },
  }
  return {
    io,
    text: () => out.join(''),
    setMode: (m: typeof mode) => {
      mode = m
    },
    release: () => {
      for (const f of pending.splice(0)) f()
    },
  }
}

const settle = () => new Promise((r) => setTimeout(r, 5))
const flushed = (w: LogWriter) => new Promise<void>((r) => w.flush(r))

describe('LogWriter', () => {
  it('holds lines until a flush, then writes them in order', async () => {
    const f = fakeIo()
    const w = new LogWriter({ io: f.io, flushMs: 0 })
    w.write('a\n')
    w.write('b\n')
    await settle()
    expect(f.text()).toBe('')
    await flushed(w)
    expect(f.text()).toBe('a\nb\n')
  })

  it('writes a full buffer by itself, keeping order across buffers, long lines and UTF-8', async () => {
    const f = fakeIo()
    const w = new LogWriter({ io: f.io, flushMs: 0, bufferSize: 64 })
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i} é→✓\n`)
    lines.splice(20, 0, `${'x'.repeat(500)}\n`)
    for (const l of lines) w.write(l)
    await settle()
    expect(f.text().length).toBeGreaterThan(0) // buffers filled and went out without a flush
    await flushed(w)
    expect(f.text()).toBe(lines.join(''))
  })

  it('finishes partial writes and retries a busy output', async () => {
    const f = fakeIo()
    const w = new LogWriter({ io: f.io, flushMs: 0 })
    f.setMode('half')
    w.write('0123456789\n')
    await flushed(w)
    expect(f.text()).toBe('0123456789\n')
    f.setMode('busy')
    w.write('later\n')
    w.flush()
    await new Promise((r) => setTimeout(r, 50))
    expect(f.text()).toBe('0123456789\n')
    f.setMode('ok')
    await flushed(w)
    expect(f.text()).toBe('0123456789\nlater\n')
  })

  it('drops lines past maxQueued while the output is blocked, then says how many', async () => {
    const f = fakeIo()
    const w = new LogWriter({ io: f.io, flushMs: 0, bufferSize: 16, maxQueued: 40 })
    f.setMode('hold')
    for (let i = 0; i < 10; i++) w.write(`line-${i}\n`) // 7 bytes each; 16-byte buffers
    w.flush()
    f.setMode('ok')
    f.release()
    await flushed(w)
    w.write('after\n')
    await flushed(w)
    const text = f.text()
    const kept = text.split('\n').filter((l) => l.startsWith('line-'))
    const note = text.split('\n').find((l) => l.includes('dropped_lines'))
    expect(note).toBeDefined()
    const dropped = (JSON.parse(note as string) as { dropped_lines: number }).dropped_lines
    expect(kept.length + dropped).toBe(10)
    expect(dropped).toBeGreaterThan(0)
    expect(text.endsWith('after\n')).toBe(true)
  })

  it('drops everything queued when the output is gone, without throwing', async () => {
    const f = fakeIo()
    const w = new LogWriter({ io: f.io, flushMs: 0 })
    f.setMode('closed')
    w.write('lost\n')
    await flushed(w)
    expect(f.text()).toBe('')
  })

  it('flushSync writes everything at once to a real file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'iris-log-')), 'out.log')
    const fd = openSync(file, 'w')
    const w = new LogWriter({ fd, flushMs: 0 })
    const lines = Array.from({ length: 100 }, (_, i) => `{"i":${i}}\n`)
    for (const l of lines) w.write(l)
    w.flushSync()
    closeSync(fd)
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''))
  })
})

describe('LogWriter.flushSync during an asynchronous write', () => {
  it('leaves the chunk in flight to its write and writes the rest once, in order', async () => {
    const f = fakeIo()
    const w = new LogWriter({ io: f.io, flushMs: 0 })
    f.setMode('hold')
    w.write('first\n')
    w.flush() // handed to the (held) async write
    w.write('second\n')
    w.flushSync()
    expect(f.text()).toBe('second\n')
    f.setMode('ok')
    f.release()
    await flushed(w)
    expect(f.text()).toBe('second\nfirst\n')
  })
})
