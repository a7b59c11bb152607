// Pure wording of the Models view (models-view.ts): accuracies with their 95 % intervals, the rollout's
// state and traffic split, the paired counts with McNemar's p and shadow agreement, from GET /models.

import type { Static } from 'typebox'
import type { ModelsResponse } from '../../src/api/contracts/models.js'
import { formatP } from './drift-words.js'
import { formatPercent } from './format.js'

export type ModelsReply = Static<typeof ModelsResponse>
export type ModelsVersionRow = ModelsReply['models'][number]['versions'][number]

/** What GET /models may add to the rollout (report.ts): read defensively, every field optional. */
export interface RolloutView {
  status: string
  stable?: string | null
  candidate?: string | null
  mode?: string | null
  weight?: number
  reason?: string | null
  online?: Record<string, { rows: number; correct: number; accuracy: number | null; ci95: [number, number] }>
  paired?: {
    rows: number
    candidate_only_right: number
    stable_only_right: number
    mcnemar_p: number
  }
  shadow?: { rows: number; agreements: number; agreement: number | null }
}

/** 0.95 -> "95.0%"; null -> "—". */
export function accuracyText(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? formatPercent(value) : '—'
}

/** "82.0% (95% CI 70.1–89.9%, 50 rows)", or "no labelled feedback yet". */
export function onlineText(
  accuracy: number | null,
  rows: number,
  ci95?: readonly [number, number] | null,
): string {
  if (accuracy === null || rows === 0) return 'no labelled feedback yet'
  const interval = ci95
    ? ` (95% CI ${formatPercent(ci95[0])}–${formatPercent(ci95[1])}, ${rows} rows)`
    : ` (${rows} rows)`
  return `${formatPercent(accuracy)}${interval}`
}

/** The rollout's state in one line. */
export function rolloutHeadline(r: RolloutView): string {
  if (r.status === 'none') return 'no rollout: every request goes to stable'
  const split =
    r.mode === 'shadow'
      ? 'shadow: stable answers every request, the candidate is only compared'
      : `canary: ${formatPercent(r.weight ?? 0)} of requests to the candidate`
  const pair = `candidate ${r.candidate ?? '—'} beside stable ${r.stable ?? '—'}`
  const reason = r.reason ? ` (${r.reason})` : ''
  if (r.status === 'running') return `running — ${pair}; ${split}`
  if (r.status === 'promoted') return `promoted — candidate ${r.candidate ?? '—'} became stable${reason}`
  if (r.status === 'rolled_back') return `rolled back — candidate ${r.candidate ?? '—'} withdrawn${reason}`
  return `${r.status}${reason}`
}

/** The paired comparison on the same rows, or null before any paired row. */
export function pairedText(r: RolloutView): string | null {
  const p = r.paired
  if (!p || p.rows === 0) return null
  return (
    `On ${p.rows} paired rows: candidate right & stable wrong ${p.candidate_only_right}, ` +
    `stable right & candidate wrong ${p.stable_only_right}; McNemar ${formatP(p.mcnemar_p)}`
  )
}

/** Shadow agreement, or null when no shadow row was compared. */
export function shadowText(r: RolloutView): string | null {
  const s = r.shadow
  if (!s || s.rows === 0 || s.agreement === null) return null
  return `Shadow agreement: ${formatPercent(s.agreement)} (${s.agreements} of ${s.rows} rows)`
}
