import type { BatchResult } from './batch-run.js'
import { el } from './dom.js'
import { featureLabel } from './feature-labels.js'
import { formatPercent, speciesClass } from './format.js'

// The results of a pasted batch: one table row per input line (the prediction and probabilities, or the
// reason it failed), and the failed rows again as a list.

const MAX_LISTED_ERRORS = 20

export function renderPasteTable(
  output: HTMLElement,
  results: readonly BatchResult[],
  featureNames: readonly string[],
  names: readonly string[],
): void {
  const hasGiven = results.some((r) => r.row.given !== null)
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, 'Line'),
    ...featureNames.map((f) => el('th', { scope: 'col' }, featureLabel(f))),
    hasGiven ? el('th', { scope: 'col' }, 'Given') : null,
    el('th', { scope: 'col' }, 'Prediction'),
    ...names.map((n) => el('th', { scope: 'col' }, `P(${n})`)),
  )
  const body = results.map((r) => {
    const cells = featureNames.map((_, i) => el('td', { class: 'num' }, r.row.cells[i] ?? ''))
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

/** The failed rows again, as a list above the table: on a phone the table's error column is off-screen. */
export function renderErrorList(errors: HTMLElement, results: readonly BatchResult[]): void {
  const failed = results.filter((r) => r.error !== null)
  const shown = failed.slice(0, MAX_LISTED_ERRORS)
  const items = shown.map((r) => el('li', {}, el('strong', {}, `Line ${r.row.line}: `), r.error))
  if (failed.length > shown.length) {
    items.push(el('li', {}, `… and ${failed.length - shown.length} more in the table.`))
  }
  errors.replaceChildren(...items)
  errors.hidden = failed.length === 0
}
