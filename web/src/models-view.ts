// The Models view: GET /models on demand — the versions table (aliases, created-at, hold-out / CV / online
// accuracy with its 95 % interval), the rollout's state and traffic split, paired accuracy with McNemar's p
// shadow agreement and each version's p99 prediction time, and the history of alias changes (promotions,
// rollbacks, rollouts; newest first) (wording in models-view-words.ts). Promote / rollback buttons appear once
// an admin key is typed; it is sent as X-API-Key and a refusal shows the server's JSON error text. The reads
// (GET /models) carry the page's API key instead (credentials.ts): admin keys hold only the admin scope, and a
// 401 or 403 on a read says a key is needed or lacks the scope.

import { readError } from './api.js'
import { apiKey, keyHeaders, keyProblem } from './credentials.js'
import { el } from './dom.js'
import { formatDate } from './format.js'
import {
  accuracyText,
  type HistoryEvent,
  historyCells,
  latencyText,
  type ModelsReply,
  type ModelsVersionRow,
  onlineText,
  pairedText,
  type RolloutView,
  rolloutHeadline,
  shadowText,
} from './models-view-words.js'

/** `pageKey`: the page's key when the request carried it (a read), so a 401/403 is said in its words. */
async function errorText(res: Response, route: string, pageKey: string | null): Promise<string> {
  const said = await readError(res)
  const refused = pageKey === null ? null : keyProblem(res.status, said, route, pageKey !== '')
  return refused ?? `The API refused ${route} (HTTP ${res.status}${said === null ? '' : `: ${said}`}).`
}

/**
 * `route` is "METHOD /path"; the reply's JSON, or an Error whose message quotes the API's own. An admin
 * action sends `adminKey`; a read sends the page's API key, if one is set.
 */
async function call(route: string, adminKey?: string): Promise<unknown> {
  const [method, path] = route.split(' ') as [string, string]
  const pageKey = adminKey === undefined ? apiKey() : null
  const key = adminKey === undefined ? keyHeaders(pageKey ?? '') : { 'x-api-key': adminKey }
  let res: Response
  try {
    res = await fetch(path, { method, headers: { accept: 'application/json', ...key } })
  } catch {
    throw new Error(
      `Cannot reach the prediction API (${route}). Check that the server is running, then try again.`,
    )
  }
  if (!res.ok) throw new Error(await errorText(res, route, pageKey))
  return res.json()
}

function versionsTable(
  name: string,
  rows: ModelsVersionRow[],
  online: RolloutView['online'],
): HTMLTableElement {
  const heads = ['Version', 'Aliases', 'Created', 'Hold-out accuracy', 'CV accuracy', 'Online accuracy']
  return el(
    'table',
    { class: 'models-table' },
    el('caption', {}, `Versions of ${name}`),
    el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      ...rows.map((v) => {
        const live = online?.[v.version]
        return el(
          'tr',
          {},
          el('th', { scope: 'row' }, v.version),
          el('td', {}, v.aliases.join(', ') || '—'),
          el('td', {}, v.created_at ? formatDate(v.created_at) : '—'),
          el('td', {}, accuracyText(v.holdout_accuracy)),
          el('td', {}, accuracyText(v.cv_accuracy)),
          el(
            'td',
            {},
            live
              ? onlineText(live.accuracy, live.rows, live.ci95)
              : onlineText(v.online_accuracy, v.online_rows),
          ),
        )
      }),
    ),
  )
}

function historyTable(name: string, events: readonly HistoryEvent[]): HTMLElement {
  if (events.length === 0) return el('p', {}, `No alias changes recorded for ${name} yet.`)
  const heads = ['When', 'Action', 'Change', 'Reason']
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: 'models-table models-history' },
      el('caption', {}, `History of ${name} (newest first)`),
      el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        ...events.map((e) => {
          const c = historyCells(e)
          return el(
            'tr',
            {},
            el('th', { scope: 'row' }, formatDate(e.at)),
            el('td', {}, c.action),
            el('td', {}, c.change),
            el('td', {}, c.reason),
          )
        }),
      ),
    ),
  )
}

export function renderModels(body: HTMLElement, reply: ModelsReply): void {
  const rollout = reply.rollout as RolloutView
  const parts: Node[] = []
  for (const m of reply.models) {
    parts.push(el('div', { class: 'table-wrap' }, versionsTable(m.name, m.versions, rollout.online)))
    for (const b of m.broken)
      parts.push(el('p', { class: 'inline-error' }, `Version ${b.version} does not load: ${b.reason}`))
  }
  parts.push(el('p', { class: 'models-rollout', role: 'status' }, `Rollout: ${rolloutHeadline(rollout)}`))
  const paired = pairedText(rollout)
  if (paired) parts.push(el('p', {}, paired))
  const shadow = shadowText(rollout)
  if (shadow) parts.push(el('p', {}, shadow))
  const latency = latencyText(rollout)
  if (latency) parts.push(el('p', {}, latency))
  for (const m of reply.models) parts.push(historyTable(m.name, m.history ?? []))
  body.replaceChildren(...parts)
}

export function setupModelsView(root: HTMLElement): void {
  const body = el('div', { class: 'models-body' })
  const load = el('button', { type: 'button' }, 'Show models')
  const keyInput = el('input', { id: 'models-admin-key', type: 'password', autocomplete: 'off' })
  const promote = el('button', { type: 'button', hidden: true }, 'Promote candidate')
  const rollback = el('button', { type: 'button', hidden: true }, 'Roll back')
  const result = el('p', { class: 'models-admin-result', role: 'status', 'aria-live': 'polite' })
  const admin = el(
    'div',
    { class: 'models-admin' },
    el('label', { for: 'models-admin-key' }, 'Admin key'),
    keyInput,
    promote,
    rollback,
  )

  const refresh = async () => {
    try {
      renderModels(body, (await call('GET /models')) as ModelsReply)
    } catch (err) {
      body.replaceChildren(el('p', { class: 'inline-error', role: 'alert' }, (err as Error).message))
    }
  }
  keyInput.addEventListener('input', () => {
    const none = keyInput.value.trim() === ''
    promote.hidden = none
    rollback.hidden = none
  })
  const act = (route: string, done: string) => async () => {
    result.classList.remove('inline-error')
    try {
      const state = (await call(route, keyInput.value.trim())) as RolloutView
      result.textContent = `${done} Rollout: ${rolloutHeadline(state)}`
      await refresh()
    } catch (err) {
      result.classList.add('inline-error')
      result.textContent = (err as Error).message
    }
  }
  promote.addEventListener('click', act('POST /admin/promote', 'Promoted.'))
  rollback.addEventListener('click', act('POST /admin/rollback', 'Rolled back.'))
  load.addEventListener('click', () => void refresh())
  root.append(load, body, admin, result)
}
