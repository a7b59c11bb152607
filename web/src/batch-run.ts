import { type ApiClient, ApiError } from './api.js'
import { type BatchRow, type ParsedBatch, rowToJson } from './batch-csv.js'

// Sends a parsed batch to the API: the rows the page read as numbers go in chunks to POST /predict-proba;
// each row it could not read is sent alone, as written, so the result shows what the API says about it.
// A network failure stops the run (nothing useful can follow); an API refusal is kept per row.

export interface BatchResult {
  readonly row: BatchRow
  readonly prediction: string | null
  readonly probabilities: readonly number[] | null
  /** Why there is no prediction: the page's reading of the row and/or the API's message. */
  readonly error: string | null
}

export interface BatchOptions {
  chunkSize?: number
  /** Bad rows sent to the API one by one, at most this many (the rest keep the page's reason only). */
  maxBadRowsSent?: number
  signal?: AbortSignal
}

function apiSaid(err: unknown): string {
  if (err instanceof ApiError && err.kind === 'http') {
    return `API (HTTP ${err.status}): ${err.apiMessage ?? 'no error message'}`
  }
  throw err
}

export async function runBatch(api: ApiClient, batch: ParsedBatch, options: BatchOptions = {}) {
  const chunkSize = options.chunkSize ?? 500
  const maxBadRowsSent = options.maxBadRowsSent ?? 50
  const results = new Map<BatchRow, BatchResult>()

  const good = batch.rows.filter((r) => r.values !== null)
  for (let start = 0; start < good.length; start += chunkSize) {
    const chunk = good.slice(start, start + chunkSize)
    try {
      const reply = await api.predictProba(
        chunk.map((r) => r.values!),
        options.signal,
      )
      chunk.forEach((row, i) => {
        results.set(row, {
          row,
          prediction: reply.prediction[i] ?? null,
          probabilities: reply.probabilities[i] ?? null,
          error: null,
        })
      })
    } catch (err) {
      const error = apiSaid(err)
      for (const row of chunk) results.set(row, { row, prediction: null, probabilities: null, error })
    }
  }

  const bad = batch.rows.filter((r) => r.values === null)
  let sent = 0
  for (const row of bad) {
    if (sent >= maxBadRowsSent) {
      const error = `${row.problem} (not sent: more than ${maxBadRowsSent} unreadable rows)`
      results.set(row, { row, prediction: null, probabilities: null, error })
      continue
    }
    sent++
    try {
      // The API may accept what the page could not read (then its answer stands).
      const reply = await api.predictProbaJson([rowToJson(row.cells)], options.signal)
      results.set(row, {
        row,
        prediction: reply.prediction[0] ?? null,
        probabilities: reply.probabilities[0] ?? null,
        error: null,
      })
    } catch (err) {
      results.set(row, {
        row,
        prediction: null,
        probabilities: null,
        error: `${row.problem} — ${apiSaid(err)}`,
      })
    }
  }
  return batch.rows.map((row) => results.get(row)!)
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** The results as CSV text: line, features, given label, prediction, one probability per class, error. */
export function resultsToCsv(
  results: readonly BatchResult[],
  featureNames: readonly string[],
  classes: readonly string[],
): string {
  const hasGiven = results.some((r) => r.row.given !== null)
  const header = [
    'line',
    ...featureNames,
    ...(hasGiven ? ['given'] : []),
    'prediction',
    ...classes.map((c) => `p_${c}`),
    'error',
  ]
  const lines = [header.join(',')]
  for (const r of results) {
    const cells = featureNames.map((_, i) => r.row.cells[i] ?? '')
    lines.push(
      [
        String(r.row.line),
        ...cells,
        ...(hasGiven ? [r.row.given ?? ''] : []),
        r.prediction ?? '',
        ...classes.map((_, i) => (r.probabilities?.[i] !== undefined ? String(r.probabilities[i]) : '')),
        r.error ?? '',
      ]
        .map(csvCell)
        .join(','),
    )
  }
  return `${lines.join('\n')}\n`
}
