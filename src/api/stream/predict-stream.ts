/**
 * A streamed prediction (POST /predict or /predict-proba with a text/csv or application/x-ndjson body):
 * the body is read piece by piece, each piece's rows are predicted and formatted at once, and the answer
 * is produced as an async generator of strings that the route sends as a stream. Memory stays constant:
 * the generator only reads more input when the response has taken the last output (Fastify pipes it with
 * back-pressure), and the request socket is not read meanwhile, so a client that stops reading stops its
 * own upload too. Limits: MAX_STREAM_ROWS rows and STREAM_TIMEOUT_S seconds; BODY_LIMIT does not apply.
 */
import type { Readable } from 'node:stream'
import {
  CsvRowStream,
  NdjsonRowStream,
  type RowBatch,
  type RowStream,
  RowStreamError,
} from '../../data/row-stream.js'
import type { PredictionModel } from '../../model/types.js'
import type { ApiMetrics } from '../metrics/index.js'
import { type StreamFault, StreamFormatter, type StreamKind } from './format.js'
import type { StreamCounters } from './metrics.js'

export interface StreamJob {
  kind: StreamKind
  model: PredictionModel
  withProba: boolean
  input: Readable
  maxRows: number
  timeoutMs: number
  metrics: ApiMetrics
  counters: StreamCounters
}

/** How a stream ended, for the request's log line. */
export interface StreamOutcome {
  rows: number
  /** null when every row was answered. */
  fault: StreamFault | null
  /** The client closed the connection before the end. */
  disconnected: boolean
}

class StreamTimeout extends Error {}

/**
 * The answer's pieces. The first `next()` reads until the first output (or the first fault): a fault then
 * is thrown as a RowStreamError, so the route can still answer 400 with the usual JSON error. Later
 * faults end the stream with an error record. `outcome` is final once the generator has finished.
 */
export function predictStream(job: StreamJob): { pieces: AsyncGenerator<string>; outcome: StreamOutcome } {
  const outcome: StreamOutcome = { rows: 0, fault: null, disconnected: false }
  return { pieces: run(job, outcome), outcome }
}

async function* run(job: StreamJob, outcome: StreamOutcome): AsyncGenerator<string> {
  const { model, withProba, input, counters } = job
  const fmt = new StreamFormatter(job.kind, model.classes, withProba)
  const rows: RowStream =
    job.kind === 'csv'
      ? new CsvRowStream(model.featureNames, job.maxRows)
      : new NdjsonRowStream(model.nFeatures, job.maxRows)
  const series = job.metrics.seriesFor(model)
  const decoder = new TextDecoder('utf-8')
  let started = false
  const timer = setTimeout(() => input.destroy(new StreamTimeout()), job.timeoutMs)
  let finished = false
  try {
    // Rows answered as they come; the CSV header goes out with the first rows (or at the very end), so a
    // fault before any row is still a 400. A batch's rows before its bad line are answered, then the fault.
    const answer = (batch: RowBatch, final = false): string => {
      if (batch.nRows === 0 && !(final && batch.fault === null)) {
        if (batch.fault) throw batch.fault
        return ''
      }
      const head = started || rows.columns === null ? '' : fmt.head(rows.columns)
      started = true
      if (batch.nRows === 0) return head
      const x = batch.rows.subarray(0, batch.nRows * model.nFeatures)
      const proba = withProba ? model.predictProba(x, batch.nRows) : null
      const idx = proba ? argmax(proba, batch.nRows, model.nClasses) : model.predictIndices(x, batch.nRows)
      job.metrics.observePrediction(series, NO_ROWS_HISTOGRAM, x, batch.nRows, idx)
      counters.rows.inc(batch.nRows)
      outcome.rows += batch.nRows
      return head + fmt.rows(batch, idx, proba)
    }
    try {
      for await (const chunk of input) {
        const batch = rows.push(decoder.decode(chunk as Buffer, { stream: true }))
        const out = answer(batch)
        if (out !== '') yield out
        if (batch.fault) throw batch.fault
      }
      const tail = rows.push(decoder.decode())
      const out = answer(tail)
      if (tail.fault) {
        if (out !== '') yield out
        throw tail.fault
      }
      const end = rows.end()
      const last = answer(end, true)
      if (out + last !== '') yield out + last
      if (end.fault) throw end.fault
    } catch (e) {
      const fault = faultOf(e, job)
      if (fault === null) throw e
      outcome.fault = fault
      if (!started) throw new RowStreamError(fault.line ?? 1, fault.column, fault.message)
      yield fmt.error(fault, outcome.rows)
    }
    finished = true
  } finally {
    clearTimeout(timer)
    // Returned early: the response was destroyed (the client went away) while we waited.
    if (!finished && outcome.fault === null) outcome.disconnected = true
    if (!input.destroyed) input.destroy()
  }
}

function faultOf(e: unknown, job: StreamJob): StreamFault | null {
  if (e instanceof RowStreamError) return { message: e.detail, line: e.line, column: e.column }
  if (e instanceof StreamTimeout)
    return {
      message: `time limit of ${job.timeoutMs / 1000} s exceeded (STREAM_TIMEOUT_S)`,
      line: null,
      column: null,
    }
  const code = (e as { code?: string })?.code
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (e as Error)?.message === 'aborted')
    return { message: 'the request body ended early (connection closed)', line: null, column: null }
  return null
}

const NO_ROWS_HISTOGRAM = { observe() {} } as unknown as Parameters<ApiMetrics['observePrediction']>[1]

function argmax(proba: Float64Array, nRows: number, nClasses: number): Int32Array {
  const out = new Int32Array(nRows)
  for (let r = 0, o = 0; r < nRows; r++, o += nClasses) {
    let best = 0
    for (let c = 1; c < nClasses; c++) if (proba[o + c]! > proba[o + best]!) best = c
    out[r] = best
  }
  return out
}
