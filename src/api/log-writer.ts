/**
 * A buffered log writer for stdout (or any fd): each line is encoded at once into a preallocated 64 KiB
 * Buffer, and full buffers are written asynchronously in order. Why not pino's SonicBoom: it keeps every
 * line as a JS string until the next write, so at 10k+ lines/s those strings survive young-generation GCs,
 * get copied and promoted, and the old generation (and RSS) grows; here a line is garbage the moment it is
 * encoded. Measured in docs/decisions/015-hot-path-and-memory.md.
 *
 * Lines are written when a buffer fills, every `flushMs`, at once for lines the caller marks urgent, and
 * synchronously at exit (`flushSync`). If the fd blocks (a stalled log collector), at most `maxQueued` bytes
 * wait; later lines are dropped and counted, and one WARN line says how many once writing resumes.
 */
import { write as fsWrite, writeSync as fsWriteSync } from 'node:fs'

export interface WriterIo {
  write(fd: number, buf: Buffer, cb: (err: NodeJS.ErrnoException | null, written: number) => void): void
  writeSync(fd: number, buf: Buffer): number
}

const nodeIo: WriterIo = {
  write: (fd, buf, cb) => fsWrite(fd, buf, 0, buf.length, null, cb),
  writeSync: (fd, buf) => fsWriteSync(fd, buf, 0, buf.length),
}

export interface LogWriterOptions {
  fd?: number
  bufferSize?: number
  maxQueued?: number
  flushMs?: number
  io?: WriterIo
  /** The line reporting dropped lines (gets the count). */
  droppedLine?: (count: number) => string
}

const RETRY_MS = 20
const isBusy = (err: NodeJS.ErrnoException) => err.code === 'EAGAIN' || err.code === 'EBUSY'

export class LogWriter {
  private readonly fd: number
  private readonly size: number
  private readonly maxQueued: number
  private readonly io: WriterIo
  private readonly droppedLine: (count: number) => string
  private buf: Buffer
  private len = 0
  private readonly queue: Buffer[] = []
  private queued = 0
  private writing = false
  private dropped = 0
  private waiters: (() => void)[] = []

  constructor(options: LogWriterOptions = {}) {
    this.fd = options.fd ?? 1
    this.size = options.bufferSize ?? 64 * 1024
    this.maxQueued = options.maxQueued ?? 16 * 1024 * 1024
    this.io = options.io ?? nodeIo
    this.droppedLine =
      options.droppedLine ??
      ((n) => `{"level":"WARN","dropped_lines":${n},"message":"Log lines dropped: the output was blocked"}\n`)
    this.buf = Buffer.allocUnsafe(this.size)
    const flushMs = options.flushMs ?? 100
    if (flushMs > 0) setInterval(() => this.flush(), flushMs).unref()
  }

  /** Buffer one line (the caller includes the newline). */
  write(line: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (this.len + line.length * 3 > this.size) {
      this.flush()
      if (line.length * 3 > this.size) {
        this.enqueue(Buffer.from(line))
        return
      }
    }
    this.len += this.buf.write(line, this.len)
  }

  /**
   * Encode one line straight into the buffer: `encode(buf, at)` writes at most `maxBytes` bytes from `at`
   * and returns the end, or -1 to write nothing (then the caller writes its line as text). Lines longer
   * than a quarter of the buffer are the caller's to write as text (returns false).
   */
  encode<T>(maxBytes: number, encode: (buf: Buffer, at: number, arg: T) => number, arg: T): boolean {
    if (maxBytes * 4 > this.size) return false
    if (this.len + maxBytes > this.size) this.flush()
    const end = encode(this.buf, this.len, arg)
    if (end < 0) return false
    this.len = end
    return true
  }

  /** Start writing what is buffered; `cb` runs once everything written so far is out. */
  flush(cb?: () => void): void {
    if (this.len > 0) this.enqueue(this.take())
    if (cb === undefined) return
    if (!this.writing && this.queue.length === 0) cb()
    else this.waiters.push(cb)
  }

  /**
   * Write everything now, blocking (at exit). A chunk already handed to an asynchronous write is left to it
   * (writing it again could duplicate lines), as SonicBoom does.
   */
  flushSync(): void {
    if (this.len > 0) this.enqueue(this.take(), false)
    const first = this.writing ? 1 : 0
    while (this.queue.length > first) {
      const chunk = this.queue[first] as Buffer
      try {
        const n = this.io.writeSync(this.fd, chunk)
        this.queued -= n
        if (n >= chunk.length) this.queue.splice(first, 1)
        else this.queue[first] = chunk.subarray(n)
      } catch (err) {
        if (!isBusy(err as NodeJS.ErrnoException)) return
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS)
      }
    }
  }

  /** The buffered bytes as a chunk of their own; the buffer is empty again. */
  private take(): Buffer {
    const chunk = Buffer.from(this.buf.subarray(0, this.len))
    this.len = 0
    return chunk
  }

  private enqueue(chunk: Buffer, start = true): void {
    if (this.queued + chunk.length > this.maxQueued) {
      let lines = 0
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++
      this.dropped += lines
      return
    }
    if (this.dropped > 0 && !this.writing && this.queue.length === 0) {
      const note = Buffer.from(this.droppedLine(this.dropped))
      this.dropped = 0
      this.queue.push(note)
      this.queued += note.length
    }
    this.queue.push(chunk)
    this.queued += chunk.length
    if (start && !this.writing) this.writeNext()
  }

  private writeNext(): void {
    const chunk = this.queue[0]
    if (chunk === undefined) {
      this.writing = false
      for (const w of this.waiters.splice(0)) w()
      return
    }
    this.writing = true
    this.io.write(this.fd, chunk, (err, n) => {
      if (err) {
        if (isBusy(err)) setTimeout(() => this.writeNext(), RETRY_MS).unref()
        else {
          // The output is gone (closed pipe): nothing more can be written.
          this.queue.length = 0
          this.queued = 0
          this.writeNext()
        }
        return
      }
      this.advance(n)
      this.writeNext()
    })
  }

  /** `n` bytes of the head chunk were written. */
  private advance(n: number): void {
    const chunk = this.queue[0]
    if (chunk === undefined) return
    this.queued -= n
    if (n >= chunk.length) this.queue.shift()
    else this.queue[0] = chunk.subarray(n)
  }
}
