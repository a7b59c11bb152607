// Pure wording of the Models view (models-view.ts): accuracies with their 95 % intervals, the rollout's
// state and traffic split, the paired counts with McNemar's p, shadow agreement, each version's p99
// prediction time, and the history of promotions and rollbacks, from GET /models.

import type { Static } from 'typebox'
import type { ModelsResponse } from '../../src/api/contracts/models.js'
import { formatP } from './drift-words.js'
import { formatPercent } from './format.js'

export type ModelsReply = Static<typeof ModelsResponse>
export type ModelsVersionRow = ModelsReply['models'][number]['versions'][number]
export type HistoryEvent = ModelsReply['models'][number]['history'][number]

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
  latency?: Record<string, { samples: number; p99_ms: number | null }>
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

/** A duration in ms with three significant digits: 0.0123 -> "0.0123 ms", 12.34 -> "12.3 ms". */
export function msText(ms: number): string {
  return `${Number(ms.toPrecision(3))} ms`
}

/** Each side's p99 prediction time, or null before either side was timed. */
export function latencyText(r: RolloutView): string | null {
  const l = r.latency
  if (!l) return null
  const side = (label: string, v: string | null | undefined) => {
    const t = v == null ? undefined : l[v]
    if (!t || t.samples === 0 || t.p99_ms === null) return null
    return `${label} ${v} ${msText(t.p99_ms)} (${t.samples} predictions)`
  }
  const parts = [side('stable', r.stable), side('candidate', r.candidate)].filter((p) => p !== null)
  return parts.length === 0 ? null : `p99 prediction time: ${parts.join(', ')}`
}

const ACTIONS: Record<string, string> = {
  register: 'Registered',
  promote: 'Promoted',
  rollback: 'Rolled back',
  rollout: 'Rollout started',
  alias: 'Alias set',
  unalias: 'Alias removed',
}

/** One alias change of GET /models' history, as the History table's cells (its time is formatted apart). */
export function historyCells(e: Pick<HistoryEvent, 'action' | 'alias' | 'from' | 'to' | 'reason'>): {
  action: string
  change: string
  reason: string
} {
  return {
    action: ACTIONS[e.action] ?? e.action,
    change: `${e.alias}: ${e.from ?? 'none'} → ${e.to ?? 'none'}`,
    reason: e.reason ?? '—',
  }
}
