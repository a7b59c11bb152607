import { type ApiClient, ApiError, isAbort } from './api.js'
import { parseBatch } from './batch-csv.js'
import { type BatchResult, resultsToCsv, runBatch } from './batch-run.js'
import { byId, el } from './dom.js'
import { featureLabel } from './feature-labels.js'
import { formatPercent, speciesClass } from './format.js'
import type { Notices } from './notices.js'

// Batch panel: paste or upload CSV -> one table row per input line (prediction and probabilities, or the
// reason it failed, including the API's message) -> download the table as CSV.

const MAX_ROWS = 10_000
const NOTICE_KEY = 'batch'
const MAX_LISTED_ERRORS = 20

export interface BatchPanelOptions {
  api: ApiClient
  notices: Notices
  featureNames: () => readonly string[]
  classes: () => readonly string[]
  /** The training CSV's label column (e.g. "cultivar"): compared with the prediction when present. */
  labelColumn?: () => string | null
  /** What one row holds, for messages ("four measurements"); default "<n> values". */
  rowDescription?: () => string
}

export function createBatchPanel({
  api,
  notices,
  featureNames,
  classes,
  labelColumn,
  rowDescription,
}: BatchPanelOptions): void {
  const input = byId<HTMLTextAreaElement>('batch-input')
  const file = byId<HTMLInputElement>('batch-file')
  const runButton = byId<HTMLButtonElement>('batch-run')
  const download = byId<HTMLButtonElement>('batch-download')
  const summary = byId('batch-summary')
  const output = byId('batch-results')
  const errors = byId('batch-errors')
  let last: BatchResult[] = []
  let controller: AbortController | null = null

  async function run() {
    const label = labelColumn?.() ?? null
    const parsed = parseBatch(input.value, featureNames(), label === null ? [] : [label])
    if (parsed.rows.length === 0) {
      const row = rowDescription?.() ?? `${featureNames().length} values`
      summary.textContent = `Paste at least one row of ${row}, or upload a CSV file.`
      return
    }
    if (parsed.rows.length > MAX_ROWS) {
      summary.textContent = `The batch has ${parsed.rows.length} rows; this page handles up to ${MAX_ROWS}. Split it, or send it to the API directly (see "Use via API").`
      return
    }
    controller?.abort()
    const current = (controller = new AbortController())
    runButton.disabled = true
    output.setAttribute('aria-busy', 'true')
    summary.textContent = `Predicting ${parsed.rows.length} row${parsed.rows.length === 1 ? '' : 's'}…`
    try {
      last = await runBatch(api, parsed, { signal: current.signal })
      renderTable(last)
      renderErrorList(last)
      const failed = last.filter((r) => r.error !== null).length
      summary.textContent =
        `${last.length - failed} of ${last.length} rows predicted` +
        (failed ? `; ${failed} row${failed === 1 ? '' : 's'} could not be predicted (see the table).` : '.')
      download.hidden = false
      notices.clear(NOTICE_KEY)
    } catch (err) {
      if (isAbort(err)) return
      const text = err instanceof ApiError ? err.message : `Batch failed: ${String(err)}`
      summary.textContent = text
      notices.error(NOTICE_KEY, `Batch: ${text}`, { label: 'Try again', run: () => void run() })
    } finally {
      if (controller === current) {
        runButton.disabled = false
        output.removeAttribute('aria-busy')
      }
    }
  }

  function renderTable(results: readonly BatchResult[]) {
    const names = classes()
    const hasGiven = results.some((r) => r.row.given !== null)
    const head = el(
      'tr',
      {},
      el('th', { scope: 'col' }, 'Line'),
      ...featureNames().map((f) => el('th', { scope: 'col' }, featureLabel(f))),
      hasGiven ? el('th', { scope: 'col' }, 'Given') : null,
      el('th', { scope: 'col' }, 'Prediction'),
      ...names.map((n) => el('th', { scope: 'col' }, `P(${n})`)),
    )
    const body = results.map((r) => {
      const cells = featureNames().map((_, i) => el('td', { class: 'num' }, r.row.cells[i] ?? ''))
      const given = hasGiven ? el('td', {}, r.row.given ?? '') : null
      if (r.error !== null) {
        return el(
          'tr',
          { class: 'row-error' },
          el('th', { scope: 'row' }, String(r.row.line)),
          ...cells,
          given,
          el('td', { colspan: 1 + names.length, class: 'error-cell' }, el('strong', {}, 'Error: '), r.error),
        )
      }
      const winner = r.probabilities ? r.probabilities.indexOf(Math.max(...r.probabilities)) : -1
      const mismatch = hasGiven && r.row.given !== null && r.row.given !== r.prediction
      return el(
        'tr',
        { class: mismatch ? 'row-mismatch' : null },
        el('th', { scope: 'row' }, String(r.row.line)),
        ...cells,
        given,
        el(
          'td',
          { class: `species ${speciesClass(names.indexOf(r.prediction ?? ''))}` },
          r.prediction ?? '',
          mismatch ? el('span', { class: 'badge' }, 'differs from given') : null,
        ),
        ...names.map((_, i) =>
          el(
            'td',
            { class: `num${i === winner ? ' winner' : ''}` },
            r.probabilities?.[i] !== undefined ? formatPercent(r.probabilities[i]!) : '',
          ),
        ),
      )
    })
    output.replaceChildren(
      el(
        'table',
        { class: 'results' },
        el('caption', {}, `Batch results (${results.length} rows)`),
        el('thead', {}, head),
        el('tbody', {}, ...body),
      ),
    )
  }

  // The failed rows again, as a list above the table: on a phone the table's error column is off-screen.
  function renderErrorList(results: readonly BatchResult[]) {
    const failed = results.filter((r) => r.error !== null)
    const shown = failed.slice(0, MAX_LISTED_ERRORS)
    const items = shown.map((r) => el('li', {}, el('strong', {}, `Line ${r.row.line}: `), r.error))
    if (failed.length > shown.length) {
      items.push(el('li', {}, `… and ${failed.length - shown.length} more in the table.`))
    }
    errors.replaceChildren(...items)
    errors.hidden = failed.length === 0
  }

  file.addEventListener('change', async () => {
    const chosen = file.files?.[0]
    if (!chosen) return
    try {
      input.value = await chosen.text()
    } catch (err) {
      summary.textContent = `Could not read ${chosen.name}: ${String(err)}`
      return
    }
    await run()
  })
  runButton.addEventListener('click', () => void run())
  download.addEventListener('click', () => {
    const blob = new Blob([resultsToCsv(last, featureNames(), classes())], { type: 'text/csv' })
    const url = URL.createObjectURL(blob)
    const link = el('a', { href: url, download: 'iris-predictions.csv' })
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  })
}
