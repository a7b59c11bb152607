// The drift verdict in words a person reads at a glance, from GET /drift's reply (no DOM here: testable).

import type { Static } from 'typebox'
import type { DriftResponse } from '../../src/api/drift/contract.js'
import { featureLabel } from './feature-labels.js'

export type DriftReply = Static<typeof DriftResponse>

export interface DriftVerdict {
  tone: 'ok' | 'drift' | 'waiting' | 'none'
  headline: string
  detail: string
}

/** "p < 0.001" style: small p-values as bounds, others to two significant digits. */
export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001'
  return `p = ${Number(p.toPrecision(2))}`
}

export function driftVerdict(reply: DriftReply): DriftVerdict {
  const rows = `${reply.window_rows} row${reply.window_rows === 1 ? '' : 's'}`
  if (reply.status === 'no_reference') {
    return {
      tone: 'none',
      headline: 'Drift cannot be measured for this model',
      detail: `Model ${reply.model_version} carries no reference profile of its training data. ${reply.message.split(': ').slice(1).join(': ')}.`,
    }
  }
  if (reply.status === 'collecting') {
    return {
      tone: 'waiting',
      headline: 'Not enough traffic yet',
      detail: `${rows} predicted so far. ${sentence(reply.message.split('; ')[1] ?? '')}`.trim(),
    }
  }
  const drifting = Object.entries(reply.features).filter(([, f]) => f.drift)
  if (drifting.length > 0) {
    const names = drifting.map(([name, f]) => `${featureLabel(name)} (${formatP(f.p_value)})`)
    return {
      tone: 'drift',
      headline: `Drift: the last ${rows} no longer look like the training data`,
      detail: `${names.join(', ')} ${drifting.length === 1 ? 'has' : 'have'} moved away from the ${reply.reference_rows} training rows.`,
    }
  }
  const mix = reply.prediction?.drift ? ' The mix of predicted classes differs from training, though.' : ''
  return {
    tone: 'ok',
    headline: `No drift: the last ${rows} look like the training data`,
    detail: `Every measurement is within what chance explains.${mix}`,
  }
}

function sentence(text: string): string {
  return text === '' ? '' : `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}
