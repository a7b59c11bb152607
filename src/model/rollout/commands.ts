/**
 * Starting and ending a rollout in the registry folder (aliases.json, under its lock): what POST /admin/rollout
 * and the gate write, so every worker and every instance polling the folder sees the same rollout.
 * Promote and manual rollback are the registry's own (Registry.promote / Registry.rollback).
 */
import {
  CANDIDATE,
  editAliases,
  type Registry,
  RegistryError,
  type RolloutRecord,
  record,
  STABLE,
  versionDifference,
} from '../registry/index.js'

export interface RolloutRequest {
  candidate: string
  mode: 'canary' | 'shadow'
  weight: number
}

/**
 * Puts `candidate` (a version number or alias) beside stable. RegistryError 'not_found' for an unknown
 * version, 'conflict' for a rollout already running, the stable version itself, or other features/classes.
 */
export async function startRollout(
  registry: Registry,
  name: string,
  req: RolloutRequest,
  reason: string,
): Promise<RolloutRecord> {
  const info = await registry.resolve(name, req.candidate)
  let started: RolloutRecord | null = null
  await editAliases(registry.nameDir(name), async (doc) => {
    if (doc.rollout?.status === 'running')
      throw new RegistryError(
        'conflict',
        `a rollout of version ${doc.rollout.candidate} is already running: promote or roll it back first`,
      )
    const stable = doc.aliases[STABLE]
    if (stable === undefined) throw new RegistryError('conflict', `model "${name}" has no stable version`)
    if (stable === info.version)
      throw new RegistryError('conflict', `version ${info.version} is already stable`)
    const serving = await registry.resolve(name, stable)
    const diff = versionDifference(serving, info)
    if (diff !== null) throw new RegistryError('conflict', `${diff}: it cannot stand beside stable`)
    const from = doc.aliases[CANDIDATE] ?? null
    doc.aliases[CANDIDATE] = info.version
    started = {
      status: 'running',
      stable,
      candidate: info.version,
      mode: req.mode,
      weight: req.mode === 'shadow' ? 0 : req.weight,
      reason: null,
      updated_at: new Date().toISOString(),
    }
    doc.rollout = started
    record(
      doc,
      'rollout',
      CANDIDATE,
      from,
      info.version,
      `${reason}: ${req.mode}${req.mode === 'canary' ? ` ${req.weight}` : ''}`,
    )
  })
  return started as unknown as RolloutRecord
}

/**
 * The gate's rollback: ends the rollout of `candidate` (no more traffic) with `reason`, only if that very
 * rollout still runs (RegistryError 'conflict' otherwise, so a late or repeated decision changes nothing).
 */
export async function endRolloutRolledBack(
  registry: Registry,
  name: string,
  candidate: string,
  reason: string,
): Promise<void> {
  await editAliases(registry.nameDir(name), (doc) => {
    if (doc.rollout?.status !== 'running' || doc.rollout.candidate !== candidate)
      throw new RegistryError('conflict', `the rollout of version ${candidate} is no longer running`)
    if (doc.aliases[CANDIDATE] === candidate) delete doc.aliases[CANDIDATE]
    Object.assign(doc.rollout, {
      status: 'rolled_back',
      weight: 0,
      reason,
      updated_at: new Date().toISOString(),
    })
    record(doc, 'rollback', CANDIDATE, candidate, null, reason)
  })
}
