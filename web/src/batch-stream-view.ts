import type { AnswerLayout } from './batch-answer.js'
import type { AnsweredRow } from './batch-stream.js'
import { accuracyText, progressText, type TallySnapshot } from './batch-tally.js'
import { byId, el } from './dom.js'
import { formatPercent, speciesClass } from './format.js'

// What the batch panel shows while a file streams: the progress bar and its status line (rows, rows/s,
// percent), the running accuracy, and the first rows of the answer in the results table.

/** The status line and bar are repainted at most this often (the answer comes in many small chunks). */
const PAINT_EVERY_MS = 100

const count = new Intl.NumberFormat('en-US')

export interface StreamView {
  start(fileName: string): void
  header(layout: AnswerLayout): void
  rows(rows: readonly AnsweredRow[]): void
  progress(snapshot: TallySnapshot, final?: boolean): void
  /** The stream ended: the bar stays at its last value, the table caption says how many rows there were. */
  finish(snapshot: TallySnapshot, keptRows: number): void
}

export function createStreamView(output: HTMLElement): StreamView {
  const box = byId('batch-stream')
  const bar = byId<HTMLProgressElement>('batch-progress')
  const status = byId('batch-progress-text')
  const accuracy = byId('batch-accuracy')
  let layout: AnswerLayout | null = null
  let body: HTMLTableSectionElement | null = null
  let caption: HTMLTableCaptionElement | null = null
  let painted = 0

  function paint(s: TallySnapshot, final: boolean) {
    if (s.fraction === null) bar.removeAttribute('value')
    else bar.value = s.fraction
    status.textContent = progressText(s)
    const labelName = layout && layout.labelIndex >= 0 ? layout.header[layout.labelIndex]! : ''
    const words = accuracyText(s, labelName, final)
    accuracy.textContent = words ?? ''
    accuracy.hidden = words === null
  }

  return {
    start(fileName) {
      layout = null
      body = null
      painted = 0
      box.hidden = false
      bar.value = 0
      status.textContent = `Sending ${fileName}…`
      accuracy.textContent = ''
      accuracy.hidden = true
      output.replaceChildren()
    },
    header(answer) {
      layout = answer
      const { header, inputColumns, classes } = answer
      caption = el('caption', {}, 'Batch results (the first rows; more are arriving)')
      body = el('tbody', {})
      const head = el(
        'tr',
        {},
        el('th', { scope: 'col' }, 'Row'),
        ...header.slice(0, inputColumns).map((name) => el('th', { scope: 'col' }, name)),
        el('th', { scope: 'col' }, 'Prediction'),
        ...classes.map((c) => el('th', { scope: 'col' }, `P(${c})`)),
      )
      output.replaceChildren(el('table', { class: 'results' }, caption, el('thead', {}, head), body))
    },
    rows(rows) {
      if (!layout || !body) return
      const { inputColumns, labelIndex, classes } = layout
      for (const { n, cells } of rows) {
        const prediction = cells[inputColumns] ?? ''
        const probabilities = classes.map((_, i) => Number(cells[inputColumns + 1 + i]))
        const winner = probabilities.indexOf(Math.max(...probabilities))
        const given = labelIndex >= 0 ? (cells[labelIndex] ?? '') : ''
        const mismatch = given !== '' && given !== prediction
        body.append(
          el(
            'tr',
            { class: mismatch ? 'row-mismatch' : null },
            el('th', { scope: 'row' }, String(n)),
            ...cells.slice(0, inputColumns).map((cell) => el('td', {}, cell)),
            el(
              'td',
              { class: `species ${speciesClass(classes.indexOf(prediction))}` },
              prediction,
              mismatch ? el('span', { class: 'badge' }, 'differs from given') : null,
            ),
            ...probabilities.map((p, i) =>
              el(
                'td',
                { class: `num${i === winner ? ' winner' : ''}` },
                Number.isFinite(p) ? formatPercent(p) : '',
              ),
            ),
          ),
        )
      }
    },
    progress(snapshot, final = false) {
      const now = performance.now()
      if (!final && now - painted < PAINT_EVERY_MS) return
      painted = now
      paint(snapshot, final)
    },
    finish(snapshot, keptRows) {
      paint(snapshot, true)
      if (caption) {
        caption.textContent =
          snapshot.rows > keptRows
            ? `Batch results (the first ${count.format(keptRows)} of ${count.format(snapshot.rows)} rows; all of them are in the download)`
            : `Batch results (${count.format(snapshot.rows)} rows)`
      }
    },
  }
}
