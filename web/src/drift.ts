// The drift view: GET /drift on demand, the verdict in words, the statistics per measurement and each
// measurement's training and live distributions overlaid (drift-chart.ts). The request carries the page's
// API key when one is set; a 401 or 403 says a key is needed or lacks the scope (credentials.ts).

import './drift.css'
import { readError } from './api.js'
import { apiKey, keyHeaders, keyProblem } from './credentials.js'
import { el } from './dom.js'
import { driftChart } from './drift-chart.js'
import { type DriftReply, driftVerdict, formatP } from './drift-words.js'
import { featureLabel } from './feature-labels.js'
import { formatDecimal } from './format.js'

async function readDrift(signal: AbortSignal): Promise<DriftReply> {
  const key = apiKey()
  let res: Response
  try {
    res = await fetch('/drift', { headers: { accept: 'application/json', ...keyHeaders(key) }, signal })
  } catch {
    throw new Error(
      'Cannot reach the prediction API (GET /drift). Check that the server is running, then try again.',
    )
  }
  if (!res.ok) {
    const said = await readError(res)
    throw new Error(
      keyProblem(res.status, said, 'GET /drift', key !== '') ??
        `The API refused GET /drift (HTTP ${res.status}${said === null ? '' : `: ${said}`}).`,
    )
  }
  return (await res.json()) as DriftReply
}

export function renderDrift(body: HTMLElement, reply: DriftReply): void {
  const verdict = driftVerdict(reply)
  const summary = el(
    'div',
    { class: `drift-verdict drift-${verdict.tone}`, role: 'status' },
    el('p', { class: 'drift-headline' }, verdict.headline),
    el('p', {}, verdict.detail),
  )
  const features = Object.entries(reply.features)
  if (features.length === 0) {
    body.replaceChildren(summary)
    return
  }
  const table = el(
    'table',
    { class: 'drift-table' },
    el(
      'caption',
      {},
      `Each measurement of the last ${reply.window_rows} rows against the ${reply.reference_rows} training rows`,
    ),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['Measurement', 'K-S distance', 'p-value', 'PSI', 'Verdict'].map((h) =>
          el('th', { scope: 'col' }, h),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...features.map(([name, f]) =>
        el(
          'tr',
          { class: f.drift ? 'drift-row-drift' : '' },
          el('th', { scope: 'row' }, featureLabel(name)),
          el('td', {}, formatDecimal(f.ks_statistic)),
          el('td', {}, formatP(f.p_value)),
          el('td', {}, formatDecimal(f.psi)),
          el('td', {}, f.drift ? 'drifted' : 'as in training'),
        ),
      ),
    ),
  )
  const classMix = reply.prediction
    ? el(
        'p',
        { class: 'muted' },
        `Predicted classes: ${mixWords(reply.prediction)} (chi-squared ${formatDecimal(reply.prediction.chi2)}, ${formatP(reply.prediction.p_value)}).`,
      )
    : null
  const charts = el(
    'div',
    { class: 'drift-charts' },
    ...features.map(([name, f]) =>
      el('figure', {}, driftChart(featureLabel(name), f.bins), el('figcaption', {}, featureLabel(name))),
    ),
  )
  const legend = el('p', { class: 'muted drift-legend' }, 'Outlined: training rows. Filled: live rows.')
  body.replaceChildren(summary, table, classMix ?? '', legend, charts)
}

function mixWords(p: { drift: boolean }): string {
  return p.drift ? 'a different mix from training' : 'the same mix as in training'
}

/** Wires the "Check drift" button to GET /drift and the view. */
export function setupDrift(button: HTMLButtonElement, body: HTMLElement): void {
  let current: AbortController | null = null
  button.addEventListener('click', async () => {
    current?.abort()
    const controller = new AbortController()
    current = controller
    button.disabled = true
    try {
      renderDrift(body, await readDrift(controller.signal))
    } catch (err) {
      if (controller.signal.aborted) return
      body.replaceChildren(el('p', { class: 'inline-error', role: 'alert' }, (err as Error).message))
    } finally {
      if (current === controller) button.disabled = false
    }
  })
}
