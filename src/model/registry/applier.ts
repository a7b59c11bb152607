/**
 * Applies a registry snapshot to one serving process with the same validate-then-swap safety as a reload
 * (../reload.ts): every aliased version is loaded and validated first, the new stable must have the serving
 * model's features and classes, and only then are the version set and the served slot swapped, together,
 * in one synchronous step. Applies are serialised; a snapshot equal to the serving one is a no-op.
 */
import { assertCompatible, type SwappableSlot } from '../reload.js'
import type { Registry } from './registry.js'
import { loadServedSet, type ServedLog, type ServedVersions } from './served.js'
import { type NameSnapshot, STABLE } from './types.js'

export interface ApplyOutcome {
  changed: boolean
  previousVersion: string
  version: string
  revision: number
}

/** What decides whether two snapshots serve the same thing: the revision and each aliased version's file hash. */
export function snapshotKey(s: NameSnapshot): string {
  const hash = new Map(s.versions.map((v) => [v.version, v.modelHash]))
  const aliased = Object.entries(s.aliases)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([alias, v]) => `${alias}=${v}:${hash.get(v) ?? 'missing'}`)
  return `${s.revision}|${aliased.join(',')}`
}

export class RegistryApplier {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly registry: Registry,
    readonly name: string,
    readonly versions: ServedVersions,
    readonly slot: SwappableSlot,
    readonly log: ServedLog,
  ) {}

  /** The stable version served now, or "none". */
  get version(): string {
    return this.versions.current?.stable.version ?? 'none'
  }

  apply(snapshot: NameSnapshot): Promise<ApplyOutcome> {
    const run = async (): Promise<ApplyOutcome> => {
      const current = this.versions.current
      const previousVersion = current?.stable.version ?? 'none'
      if (current !== null && snapshotKey(current.snapshot) === snapshotKey(snapshot))
        return { changed: false, previousVersion, version: previousVersion, revision: snapshot.revision }
      const next = await loadServedSet(snapshot, current, this.log)
      const serving = this.slot.current
      if (serving !== null)
        assertCompatible(serving, next.stable, `version ${next.aliases[STABLE]} of "${this.name}"`)
      this.versions.swap(next)
      this.slot.swap(next.stable)
      return { changed: true, previousVersion, version: next.stable.version, revision: snapshot.revision }
    }
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => undefined)
    return result
  }

  /** Reads the registry now and applies what it says. */
  async readAndApply(): Promise<ApplyOutcome> {
    return this.apply(await this.registry.snapshot(this.name))
  }
}
