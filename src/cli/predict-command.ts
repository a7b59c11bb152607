import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { CsvError } from '../data/errors.js'
import { CsvRowStream, type RowBatch } from '../data/row-stream.js'
import { argmaxRow } from '../ml/index.js'
import { loadModel } from '../model/load-model.js'
import { Registry } from '../model/registry/index.js'
import { EXPLAIN_FLAG, explainColumns } from './explain-columns.js'
import type { CliIo } from './io.js'
import { type FlagSpec, formatFlagHelp, parseFlags } from './parse.js'
import { EXIT_FAILURE, EXIT_OK, UsageError } from './usage-error.js'

export const PREDICT_FLAGS: Record<string, FlagSpec> = {
  model: {
    value: '<file>',
    description: 'model file (its _metadata.json is read if present)',
    default: 'the stable version of iris_model in the models/ registry',
  },
  input: { value: '<csv|->', description: 'rows to predict, "-" for stdin; header optional (required flag)' },
  proba: { description: 'add one probability column per class' },
  explain: EXPLAIN_FLAG,
}

export const PREDICT_HELP = `Usage: iris predict --input rows.csv [--model models/iris_model/1/iris_model.json] [--proba] [--explain]

Writes CSV to stdout: the input columns, "prediction" and, with --proba, "proba_<class>" columns;
with --explain, "base_value" and "contrib_<feature>" columns for the predicted class.
A first row without numbers is a header; with one, feature columns are matched by name.
The input is streamed: any size, in constant memory, rows written as they are read. The first bad row
stops the run: it is reported on stderr with its line (and column), the rows before it have been
written, and the exit code is 1. On a terminal, stderr shows a progress line (rows, rows/s, ETA).

Flags:
${formatFlagHelp(PREDICT_FLAGS)}`

export async function predictCommand(args: string[], io: CliIo): Promise<number> {
  const { values, flags, help } = parseFlags(args, PREDICT_FLAGS, ['proba', 'explain'])
  if (help) {
    io.out(`${PREDICT_HELP}\n`)
    return EXIT_OK
  }
  const input = values.input
  if (input === undefined) throw new UsageError('--input is required (a CSV file, or "-" for stdin)')
  const model = await loadModel(
    values.model ?? (await new Registry('models').resolve('iris_model', 'stable')).modelPath,
  )
  const source = input === '-' ? '<stdin>' : input
  const { pieces, size } = input === '-' ? stdinOf(io) : await fileOf(input)
  const withProba = flags.has('proba')
  const explain = flags.has('explain')
  const write = io.write ?? (async (text: string) => io.out(text))
  const rows = new CsvRowStream(model.featureNames, Number.MAX_SAFE_INTEGER, source)
  const progress = io.errIsTty ? new Progress(io, size) : null
  const decoder = new TextDecoder('utf-8')
  const k = model.nClasses
  let started = false
  let written = 0

  const answer = async (batch: RowBatch, final = false) => {
    if (batch.nRows === 0 && !(final && batch.fault === null && !started)) return
    const x = batch.rows.subarray(0, batch.nRows * model.nFeatures)
    const proba = model.predictProba(x, batch.nRows)
    const why = explain ? explainColumns(model, x, batch.nRows, proba) : null
    let out = ''
    if (!started) {
      started = true
      const header = [
        ...(rows.columns ?? model.featureNames),
        'prediction',
        ...(withProba ? model.classes.map((c) => `proba_${c}`) : []),
        ...(explain ? ['base_value', ...model.featureNames.map((f) => `contrib_${f}`)] : []),
      ]
      out += `${header.map(csvCell).join(',')}\n`
    }
    for (let r = 0; r < batch.nRows; r++) {
      out += `${batch.echo[r]},${csvCell(model.classes[argmaxRow(proba, r * k, k)]!)}`
      if (withProba) for (let c = 0; c < k; c++) out += `,${proba[r * k + c]}`
      if (why) out += `,${why.cells(r).join(',')}`
      out += '\n'
    }
    written += batch.nRows
    await write(out)
  }

  const stop = (batch: RowBatch): number => {
    const e = batch.fault!
    progress?.done(written)
    io.err(`${source}:${e.line}${e.column === null ? '' : ` (column ${e.column})`}: ${e.detail}\n`)
    io.err(`stopped at the first bad row; ${written} row(s) written before it\n`)
    return EXIT_FAILURE
  }

  try {
    for await (const piece of pieces) {
      const text = typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true })
      const batch = rows.push(text)
      await answer(batch)
      if (batch.fault) return stop(batch)
      progress?.update(written, typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length)
    }
    const tail = rows.push(decoder.decode())
    await answer(tail)
    if (tail.fault) return stop(tail)
    const end = rows.end()
    await answer(end, true)
    if (end.fault) return stop(end)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR')
      throw unreadable(input, err)
    throw err
  }
  progress?.done(written)
  return EXIT_OK
}

function stdinOf(io: CliIo): { pieces: AsyncIterable<Buffer | string>; size: number | null } {
  if (io.stdinPieces) return { pieces: io.stdinPieces(), size: null }
  return {
    pieces: (async function* () {
      yield await io.readStdin()
    })(),
    size: null,
  }
}

async function fileOf(path: string): Promise<{ pieces: AsyncIterable<Buffer>; size: number | null }> {
  try {
    const info = await stat(path)
    return { pieces: createReadStream(path, { highWaterMark: 1 << 16 }), size: info.size }
  } catch (err) {
    throw unreadable(path, err)
  }
}

function unreadable(path: string, err: unknown): CsvError {
  const code = (err as NodeJS.ErrnoException).code
  return new CsvError(
    'UNREADABLE',
    { source: path },
    code === 'ENOENT' ? 'file not found' : (err as Error).message,
  )
}

/** The progress line on a terminal's stderr: rows, rows/s and, for a file, the time left. */
class Progress {
  private readonly start = Date.now()
  private last = 0
  private bytes = 0

  constructor(
    private readonly io: CliIo,
    private readonly size: number | null,
  ) {}

  update(rows: number, bytes: number): void {
    this.bytes += bytes
    const now = Date.now()
    if (now - this.last < 250) return
    this.last = now
    this.io.err(`\r${this.line(rows, now)}\x1b[K`)
  }

  done(rows: number): void {
    this.io.err(`\r${this.line(rows, Date.now())}\x1b[K\n`)
  }

  private line(rows: number, now: number): string {
    const s = Math.max((now - this.start) / 1000, 1e-3)
    const rate = Math.round(rows / s)
    let eta = ''
    if (this.size !== null && this.size > 0 && this.bytes > 0) {
      const left = ((this.size - this.bytes) / this.bytes) * s
      eta = `, ETA ${Math.max(0, Math.round(left))} s`
    }
    return `${rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s${eta}`
  }
}

/** Quotes a cell when CSV needs it. */
function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replaceAll('"', '""')}"` : cell
}
