import { type ApiClient, ApiError, isAbort } from './api.js'
import { parseBatch } from './batch-csv.js'
import { offerDownload, resultFileName } from './batch-download.js'
import { resultsToCsv, runBatch } from './batch-run.js'
import { streamPredictions } from './batch-stream.js'
import { createStreamView } from './batch-stream-view.js'
import { renderErrorList, renderPasteTable } from './batch-table.js'
import { endText } from './batch-words.js'
import { byId } from './dom.js'
import type { Notices } from './notices.js'
import './batch.css'

// Batch panel, two ways in:
// - pasted CSV -> one table row per input line (prediction and probabilities, or the reason it failed,
//   including the API's message) -> download the table as CSV;
// - an uploaded CSV file of any size -> streamed through the API (batch-stream.ts) with a progress bar,
//   the running accuracy and the first rows in the table -> download the API's answer as it came.
// Downloads are named after the served model.

const MAX_ROWS = 10_000
const NOTICE_KEY = 'batch'
/** Rows of a streamed file shown in the table (all of them are in the download). */
const SHOWN_ROWS = 100

export interface BatchPanelOptions {
  api: ApiClient
  notices: Notices
  featureNames: () => readonly string[]
  classes: () => readonly string[]
  /** The training CSV's label column (e.g. "cultivar"): compared with the prediction when present. */
  labelColumn?: () => string | null
  /** What one row holds, for messages ("four measurements"); default "<n> values". */
  rowDescription?: () => string
  /** The served model's name, for the download's file name. */
  modelName?: () => string | null
}

export function createBatchPanel({
  api,
  notices,
  featureNames,
  classes,
  labelColumn,
  rowDescription,
  modelName,
}: BatchPanelOptions): void {
  const input = byId<HTMLTextAreaElement>('batch-input')
  const file = byId<HTMLInputElement>('batch-file')
  const runButton = byId<HTMLButtonElement>('batch-run')
  const download = byId<HTMLButtonElement>('batch-download')
  const summary = byId('batch-summary')
  const output = byId('batch-results')
  const errors = byId('batch-errors')
  const cancel = byId<HTMLButtonElement>('batch-cancel')
  const streamBox = byId('batch-stream')
  const view = createStreamView(output)
  /** What "Download" offers: the last batch's result. */
  let result: { blob: () => Blob; partial: boolean } | null = null
  let controller: AbortController | null = null

  function setResult(next: typeof result) {
    result = next
    download.hidden = next === null
    download.textContent = next?.partial ? 'Download partial results as CSV' : 'Download results as CSV'
  }

  function say(text: string, isError = false) {
    summary.textContent = text
    summary.classList.toggle('inline-error', isError)
  }

  async function run() {
    const label = labelColumn?.() ?? null
    const parsed = parseBatch(input.value, featureNames(), label === null ? [] : [label])
    if (parsed.rows.length === 0) {
      const row = rowDescription?.() ?? `${featureNames().length} values`
      say(`Paste at least one row of ${row}, or upload a CSV file.`)
      return
    }
    if (parsed.rows.length > MAX_ROWS) {
      say(
        `The pasted batch has ${parsed.rows.length} rows; pasted text is limited to ${MAX_ROWS}. Save it as a file and upload it: files of any size stream through the API.`,
      )
      return
    }
    controller?.abort()
    const current = (controller = new AbortController())
    runButton.disabled = true
    streamBox.hidden = true
    cancel.hidden = true
    setResult(null)
    output.setAttribute('aria-busy', 'true')
    say(`Predicting ${parsed.rows.length} row${parsed.rows.length === 1 ? '' : 's'}…`)
    try {
      const last = await runBatch(api, parsed, { signal: current.signal })
      renderPasteTable(output, last, featureNames(), classes())
      renderErrorList(errors, last)
      const failed = last.filter((r) => r.error !== null).length
      say(
        `${last.length - failed} of ${last.length} rows predicted` +
          (failed
            ? `; ${failed} row${failed === 1 ? '' : 's'} could not be predicted (see the table).`
            : '.'),
      )
      const csv = resultsToCsv(last, featureNames(), classes())
      setResult({ blob: () => new Blob([csv], { type: 'text/csv' }), partial: false })
      notices.clear(NOTICE_KEY)
    } catch (err) {
      if (isAbort(err)) return
      const text = err instanceof ApiError ? err.message : `Batch failed: ${String(err)}`
      say(text, true)
      notices.error(NOTICE_KEY, `Batch: ${text}`, { label: 'Try again', run: () => void run() })
    } finally {
      if (controller === current) {
        runButton.disabled = false
        output.removeAttribute('aria-busy')
      }
    }
  }

  /** Streams an uploaded file through the API: any size, nothing of it read into the page. */
  async function stream(chosen: File) {
    controller?.abort()
    const current = (controller = new AbortController())
    const label = labelColumn?.() ?? null
    setResult(null)
    errors.hidden = true
    runButton.disabled = false
    cancel.hidden = false
    cancel.disabled = false
    output.setAttribute('aria-busy', 'true')
    say(`Predicting ${chosen.name}…`)
    view.start(chosen.name)
    notices.clear(NOTICE_KEY)
    const run = await streamPredictions({
      file: chosen,
      labelNames: label === null ? [] : [label],
      keepRows: SHOWN_ROWS,
      signal: current.signal,
      onHeader: (layout) => view.header(layout),
      onRows: (rows) => view.rows(rows),
      onProgress: (snapshot) => view.progress(snapshot),
    })
    // A newer batch took over: its own messages stand.
    if (controller !== current) return
    cancel.hidden = true
    output.removeAttribute('aria-busy')
    const { end, snapshot } = run
    view.finish(snapshot, Math.min(snapshot.rows, SHOWN_ROWS))
    // Rows answered before a stop stay downloadable, marked partial in the button and the file name.
    if (snapshot.rows > 0 || end.kind === 'done')
      setResult({ blob: () => run.blob, partial: end.kind !== 'done' })
    say(endText(end, chosen.name, snapshot.rows), end.kind !== 'done' && end.kind !== 'cancelled')
    // A missing key or scope concerns the whole page, not just this file: it goes to the notices as well.
    if (end.kind === 'denied') notices.error(NOTICE_KEY, `Batch: ${end.message}`)
  }

  file.addEventListener('change', () => {
    const chosen = file.files?.[0]
    // Cleared so that choosing the same file again streams it again.
    file.value = ''
    if (chosen) void stream(chosen)
  })
  cancel.addEventListener('click', () => {
    cancel.disabled = true
    controller?.abort()
  })
  runButton.addEventListener('click', () => void run())
  download.addEventListener('click', () => {
    if (result) offerDownload(result.blob(), resultFileName(modelName?.() ?? null, result.partial))
  })
}
