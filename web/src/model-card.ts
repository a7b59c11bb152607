import { renderBars } from './bars.js'
import { byId, el } from './dom.js'
import { featureLabel } from './feature-labels.js'
import { formatDate, formatDecimal, formatPercent } from './format.js'
import type { ModelInfo } from './model-info.js'

// The model card: what was trained, when, and how well (GET /model). A disclosure button opens it.

function fact(term: string, value: Node | string | null): HTMLElement[] {
  return [el('dt', {}, term), el('dd', {}, value ?? 'not recorded')]
}

/** `testThings` names the hold-out rows ("test flowers" for Iris, "test rows" otherwise). */
export function renderModelCard(body: HTMLElement, info: ModelInfo, testThings = 'test flowers'): void {
  const created = info.createdAt ? el('time', { datetime: info.createdAt }, formatDate(info.createdAt)) : null
  const accuracy = el(
    'p',
    { class: 'accuracy' },
    el('span', { class: 'accuracy-label' }, 'Hold-out accuracy'),
    el(
      'span',
      { class: 'accuracy-value' },
      info.accuracy === null ? 'not recorded' : formatPercent(info.accuracy),
    ),
    info.testSamples !== null
      ? el('span', { class: 'muted' }, ` on ${info.testSamples} ${testThings}`)
      : null,
  )
  const cv = info.cv
    ? el(
        'p',
        { class: 'muted' },
        `Cross-validated accuracy: ${formatPercent(info.cv.mean)} ± ${formatPercent(info.cv.std)}` +
          (info.cv.folds ? ` over ${info.cv.folds} folds` : ''),
      )
    : null

  const facts = el(
    'dl',
    { class: 'facts' },
    ...fact(
      'Model',
      info.modelType ? `${info.modelType}${info.nEstimators ? ` (${info.nEstimators} trees)` : ''}` : null,
    ),
    ...fact('Version', info.version ? el('code', {}, info.version) : null),
    ...fact('Trained', created),
    ...fact(
      'Training / test rows',
      info.trainSamples !== null || info.testSamples !== null
        ? `${info.trainSamples ?? '?'} / ${info.testSamples ?? '?'}`
        : null,
    ),
    ...fact('Built by', info.source),
    ...fact('Data SHA-256', info.dataSha256 ? el('code', {}, info.dataSha256.slice(0, 16)) : null),
  )

  const cell = (v: number | null, digits = 3) =>
    el('td', { class: 'num' }, v === null ? '–' : formatDecimal(v, digits))
  const report = info.report.length
    ? el(
        'div',
        { class: 'table-wrap' },
        el(
          'table',
          { class: 'report' },
          el('caption', {}, `Per-class report on the ${testThings}`),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['Class', 'Precision', 'Recall', 'F1-score', 'Support'].map((h) =>
                el('th', { scope: 'col' }, h),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            ...info.report.map((r) =>
              el(
                'tr',
                {},
                el('th', { scope: 'row' }, r.name),
                cell(r.precision),
                cell(r.recall),
                cell(r.f1),
                cell(r.support, 0),
              ),
            ),
          ),
        ),
      )
    : el('p', { class: 'muted' }, 'This model has no per-class report.')

  const importanceList = el('ul', { class: 'bars importance', 'aria-labelledby': 'importance-title' })
  const top = info.importances[0]?.value ?? 1
  renderBars(
    importanceList,
    info.importances.map((imp) => ({
      label: featureLabel(imp.name),
      fraction: top > 0 ? imp.value / top : 0,
      valueText: formatDecimal(imp.value),
    })),
    'Importance',
  )

  body.replaceChildren(
    accuracy,
    ...(cv ? [cv] : []),
    facts,
    report,
    el('h3', { id: 'importance-title' }, 'Feature importances (mean decrease in impurity)'),
    info.importances.length ? importanceList : el('p', { class: 'muted' }, 'Not recorded for this model.'),
  )
}

/** Wires the disclosure button; `load` fetches and renders (again after an error). */
export function setupModelCardToggle(load: () => void): void {
  const toggle = byId<HTMLButtonElement>('model-card-toggle')
  const panel = byId('model-card-body')
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true'
    toggle.setAttribute('aria-expanded', String(open))
    panel.hidden = !open
    if (open) load()
  })
}
