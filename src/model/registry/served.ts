/**
 * The versions one serving process holds: every aliased version of the served name, loaded and validated, the
 * stable one among them. Built whole (`loadServedSet`) and swapped in with one assignment (`ServedVersions`),
 * so a request that takes the set once sees one consistent picture. A served model's `version` is its registry
 * number ("2"); its content hash stays in `metadata.model_version`.
 */
import { loadModel } from '../load-model.js'
import type { PredictionModel } from '../types.js'
import { RegistryError } from './errors.js'
import type { Registry } from './registry.js'
import { type NameSnapshot, STABLE, type VersionInfo } from './types.js'

export interface ServedSet {
  readonly name: string
  /** aliases.json's revision this set was built from. */
  readonly revision: number
  /** alias -> version, only for versions that loaded. */
  readonly aliases: Readonly<Record<string, string>>
  /** Loaded models by version. */
  readonly models: ReadonlyMap<string, PredictionModel>
  readonly stable: PredictionModel
  /** The snapshot it came from (for GET /models and the rollout engine). */
  readonly snapshot: NameSnapshot
}

export interface ServedLog {
  warn(obj: object, msg: string): void
}

/** A loaded model under its registry name and version number. */
export function asVersion(model: PredictionModel, name: string, version: string): PredictionModel {
  return model.version === version && model.name === name ? model : Object.freeze({ ...model, name, version })
}

/** Loads a version's model file (named by its number). */
export async function loadVersion(info: VersionInfo): Promise<PredictionModel> {
  return asVersion(await loadModel(info.modelPath), info.name, info.version)
}

/**
 * Loads every aliased version of `snapshot` (reusing the models of `previous` whose files are unchanged). An
 * aliased version that is broken or missing is skipped with a warning; a stable one that is, is an error
 * (RegistryError 'conflict'): the caller keeps serving what it has.
 */
export async function loadServedSet(
  snapshot: NameSnapshot,
  previous: ServedSet | null,
  log: ServedLog,
): Promise<ServedSet> {
  const infos = new Map(snapshot.versions.map((v) => [v.version, v]))
  const wanted = new Set(Object.values(snapshot.aliases))
  const models = new Map<string, PredictionModel>()
  for (const version of wanted) {
    const info = infos.get(version)
    if (info === undefined) {
      const broken = snapshot.broken.find((b) => b.version === version)
      log.warn(
        { model: snapshot.name, version, reason: broken?.reason ?? 'no such version folder' },
        'Registry: aliased version skipped, not served',
      )
      continue
    }
    const old = previous?.models.get(version)
    if (old !== undefined && old.metadata.model_version === info.modelHash) {
      models.set(version, old)
      continue
    }
    try {
      models.set(version, await loadVersion(info))
    } catch (err) {
      log.warn(
        { model: snapshot.name, version, reason: (err as Error).message },
        'Registry: aliased version skipped, not served',
      )
    }
  }
  const stableVersion = snapshot.aliases[STABLE]
  const stable = stableVersion === undefined ? undefined : models.get(stableVersion)
  if (stable === undefined) {
    throw new RegistryError(
      'conflict',
      stableVersion === undefined
        ? `model "${snapshot.name}" has no stable alias in the registry`
        : `the stable version ${stableVersion} of "${snapshot.name}" is missing or broken`,
    )
  }
  const aliases: Record<string, string> = {}
  for (const [alias, v] of Object.entries(snapshot.aliases)) if (models.has(v)) aliases[alias] = v
  return Object.freeze({
    name: snapshot.name,
    revision: snapshot.revision,
    aliases: Object.freeze(aliases),
    models,
    stable,
    snapshot,
  })
}

/** Reads the registry and loads the set for `name` (what a starting worker does). */
export async function readServedSet(
  registry: Registry,
  name: string,
  previous: ServedSet | null,
  log: ServedLog,
): Promise<ServedSet> {
  return loadServedSet(await registry.snapshot(name), previous, log)
}

/** The process's current set, swapped whole; `onSwap` listeners (metrics, the rollout engine) hear each change. */
export class ServedVersions {
  private listeners: ((set: ServedSet) => void)[] = []
  current: ServedSet | null = null

  swap(next: ServedSet): void {
    this.current = next
    for (const l of this.listeners) l(next)
  }

  onSwap(listener: (set: ServedSet) => void): void {
    this.listeners.push(listener)
  }

  /** A loaded model by version number or alias, or undefined. */
  get(ref: string): PredictionModel | undefined {
    const set = this.current
    if (set === null) return undefined
    return set.models.get(set.aliases[ref] ?? ref)
  }
}
