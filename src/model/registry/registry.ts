/**
 * The registry over one root folder: names, snapshots, and the edits (add a version, set/remove an alias, promote,
 * rollback). Every edit runs under the name's lock and writes aliases.json atomically (./aliases.ts), so the CLI,
 * the server's workers and other instances on a shared volume can edit at the same time without losing an edit or
 * tearing a file. Processes, polling and HTTP live elsewhere: this is files only.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { loadArtifact } from '../artifact.js'
import { aliasesByVersion, editAliases, editAliasesLocked, readAliases, record } from './aliases.js'
import { RegistryError } from './errors.js'
import { withLock } from './lock.js'
import { readOnline } from './online.js'
import {
  ALIAS_PATTERN,
  ALIASES_FILE,
  type AliasesDoc,
  CANDIDATE,
  NAME_PATTERN,
  type NameSnapshot,
  STABLE,
  TEMP_PREFIX,
  type VersionInfo,
  type VersionRow,
} from './types.js'
import { listVersions, modelFileIn, readVersion, versionEntries } from './versions.js'

/** Temp folders older than this were left by a crashed writer and are removed by the next `addVersion`. */
const ABANDONED_TEMP_MS = 3_600_000

/** How two versions differ in features or classes, or null when one may replace the other. */
export function versionDifference(
  serving: Pick<VersionInfo, 'featureNames' | 'classes' | 'version'>,
  next: Pick<VersionInfo, 'featureNames' | 'classes' | 'version'>,
): string | null {
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((v, i) => v === b[i])
  if (!same(serving.featureNames, next.featureNames))
    return `version ${next.version} has features [${next.featureNames.join(', ')}], version ${serving.version} has [${serving.featureNames.join(', ')}]`
  if (!same(serving.classes, next.classes))
    return `version ${next.version} has classes [${next.classes.join(', ')}], version ${serving.version} has [${serving.classes.join(', ')}]`
  return null
}

export interface AddedVersion {
  version: string
  dir: string
  modelPath: string
  /** Aliases given at once: ["stable"] for a name's first version, else []. */
  aliases: string[]
}

export class Registry {
  readonly root: string

  constructor(root: string) {
    this.root = resolve(root)
  }

  /** `<root>/<name>`, after checking the name cannot escape the root. */
  nameDir(name: string): string {
    if (!NAME_PATTERN.test(name))
      throw new RegistryError(
        'invalid',
        `model name ${JSON.stringify(name.slice(0, 100))} must be letters, digits, "_", "-" or "." (not first), at most 64`,
      )
    return join(this.root, name)
  }

  /** Names with at least one version folder or an aliases file. */
  async names(): Promise<string[]> {
    let entries: string[]
    try {
      entries = await readdir(this.root)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    const out: string[] = []
    for (const e of entries.sort()) {
      if (!NAME_PATTERN.test(e)) continue
      const dir = join(this.root, e)
      if (
        !(await stat(dir).then(
          (s) => s.isDirectory(),
          () => false,
        ))
      )
        continue
      if ((await versionEntries(dir)).length > 0) out.push(e)
    }
    return out
  }

  async snapshot(name: string): Promise<NameSnapshot> {
    const dir = this.nameDir(name)
    const [doc, listed, online] = await Promise.all([
      readAliases(dir),
      listVersions(dir, name),
      readOnline(dir),
    ])
    return {
      name,
      revision: doc.revision,
      aliases: doc.aliases,
      previousStable: doc.previous_stable,
      rollout: doc.rollout,
      history: doc.history,
      versions: listed.versions,
      broken: listed.broken,
      online,
    }
  }

  /**
   * A cheap fingerprint of what the name serves (aliases.json's size and mtime, the version folders' names):
   * a poller reads the full snapshot only when it changes.
   */
  async signature(name: string): Promise<string> {
    const dir = this.nameDir(name)
    const info = await stat(join(dir, ALIASES_FILE)).catch(() => null)
    const entries = await versionEntries(dir)
    return `${info ? `${info.size}:${info.mtimeMs}:${info.ino}` : 'none'}|${entries.join(',')}`
  }

  /** A version by number or alias; RegistryError('not_found') naming what is missing. */
  async resolve(name: string, ref: string): Promise<VersionInfo> {
    const dir = this.nameDir(name)
    let version = ref
    if (!/^\d+$/.test(ref)) {
      const doc = await readAliases(dir)
      const v = doc.aliases[ref]
      if (v === undefined)
        throw new RegistryError(
          'not_found',
          `model "${name}" has no alias ${JSON.stringify(ref.slice(0, 100))}`,
        )
      version = v
    }
    return this.validVersion(dir, name, version)
  }

  private async validVersion(dir: string, name: string, version: string): Promise<VersionInfo> {
    if (!(await versionEntries(dir)).includes(version))
      throw new RegistryError(
        'not_found',
        `model "${name}" has no version ${JSON.stringify(version.slice(0, 100))}`,
      )
    try {
      return await readVersion(dir, name, version)
    } catch (err) {
      throw new RegistryError(
        'conflict',
        `version ${version} of "${name}" is broken: ${(err as Error).message}`,
      )
    }
  }

  /**
   * Adds the next version: `write(tempDir)` writes `<name>.json` (+ metadata) into a temp folder, which is
   * validated and then renamed to `<next>` under the lock. The first version of a name becomes `stable`.
   */
  async addVersion(
    name: string,
    write: (tempDir: string) => Promise<void>,
    reason = 'registered',
  ): Promise<AddedVersion> {
    const dir = this.nameDir(name)
    await mkdir(dir, { recursive: true })
    await this.removeAbandonedTemps(dir)
    const temp = join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`)
    await mkdir(temp)
    try {
      await write(temp)
      await loadArtifact(modelFileIn(temp, name)) // a version that would not load is never renamed in
      return await withLock(dir, async () => {
        const doc = await readAliases(dir)
        const existing = await versionEntries(dir)
        const next = String(Math.max(doc.last_version, ...existing.map(Number), 0) + 1)
        await rename(temp, join(dir, next))
        const aliases: string[] = []
        await editAliasesLocked(dir, (d) => {
          d.last_version = Number(next)
          if (d.aliases[STABLE] === undefined) {
            d.aliases[STABLE] = next
            aliases.push(STABLE)
            record(d, 'register', STABLE, null, next, reason)
          }
        })
        const vdir = join(dir, next)
        return { version: next, dir: vdir, modelPath: modelFileIn(vdir, name), aliases }
      })
    } finally {
      await rm(temp, { recursive: true, force: true })
    }
  }

  private async removeAbandonedTemps(dir: string): Promise<void> {
    for (const e of await readdir(dir)) {
      if (!e.startsWith(TEMP_PREFIX)) continue
      const info = await stat(join(dir, e)).catch(() => null)
      if (info && Date.now() - info.mtimeMs > ABANDONED_TEMP_MS)
        await rm(join(dir, e), { recursive: true, force: true })
    }
  }

  /** Points `alias` at `version` (a valid version; for stable/candidate one with stable's features and classes). */
  async setAlias(
    name: string,
    alias: string,
    version: string,
    reason: string | null = null,
  ): Promise<AliasesDoc> {
    if (!ALIAS_PATTERN.test(alias))
      throw new RegistryError(
        'invalid',
        `alias ${JSON.stringify(alias.slice(0, 100))} must be lower-case letters, digits, "_" or "-", starting with a letter`,
      )
    const dir = this.nameDir(name)
    return editAliases(dir, async (doc) => {
      const target = await this.validVersion(dir, name, version)
      const from = doc.aliases[alias] ?? null
      if (from === version) return
      if (alias === STABLE || alias === CANDIDATE) await this.assertFitsStable(dir, name, doc, target)
      if (alias === STABLE && from !== null) doc.previous_stable.push(from)
      doc.aliases[alias] = version
      record(doc, 'alias', alias, from, version, reason)
    })
  }

  async removeAlias(name: string, alias: string, reason: string | null = null): Promise<AliasesDoc> {
    if (alias === STABLE)
      throw new RegistryError('invalid', 'the stable alias cannot be removed (promote or roll back instead)')
    const dir = this.nameDir(name)
    return editAliases(dir, (doc) => {
      const from = doc.aliases[alias]
      if (from === undefined)
        throw new RegistryError(
          'not_found',
          `model "${name}" has no alias ${JSON.stringify(alias.slice(0, 100))}`,
        )
      delete doc.aliases[alias]
      record(doc, 'unalias', alias, from, null, reason)
    })
  }

  /** `version` (default: the candidate) becomes stable; the old stable is remembered for `rollback`. */
  async promote(
    name: string,
    version: string | null = null,
    reason: string | null = null,
  ): Promise<AliasesDoc> {
    const dir = this.nameDir(name)
    return editAliases(dir, async (doc) => {
      const target = version ?? doc.aliases[CANDIDATE]
      if (target === undefined)
        throw new RegistryError('conflict', `model "${name}" has no candidate to promote (give a version)`)
      const info = await this.validVersion(dir, name, target)
      const from = doc.aliases[STABLE] ?? null
      if (from === target)
        throw new RegistryError('conflict', `version ${target} of "${name}" is already stable`)
      await this.assertFitsStable(dir, name, doc, info)
      if (from !== null) doc.previous_stable.push(from)
      doc.aliases[STABLE] = target
      if (doc.aliases[CANDIDATE] === target) delete doc.aliases[CANDIDATE]
      if (doc.rollout?.status === 'running')
        Object.assign(doc.rollout, ended('promoted', from, target, reason))
      record(doc, 'promote', STABLE, from, target, reason)
    })
  }

  /**
   * Ends a running rollout (removes the candidate alias; the candidate gets no more traffic); with none running,
   * `stable` returns to the previous stable version, so promote then rollback restores the old one.
   */
  async rollback(name: string, reason: string | null = null): Promise<AliasesDoc> {
    const dir = this.nameDir(name)
    return editAliases(dir, async (doc) => {
      const candidate = doc.aliases[CANDIDATE]
      if (candidate !== undefined || doc.rollout?.status === 'running') {
        if (candidate !== undefined) delete doc.aliases[CANDIDATE]
        if (doc.rollout?.status === 'running')
          Object.assign(
            doc.rollout,
            ended('rolled_back', doc.aliases[STABLE] ?? null, candidate ?? null, reason),
          )
        record(doc, 'rollback', CANDIDATE, candidate ?? null, null, reason)
        return
      }
      const previous = doc.previous_stable.pop()
      if (previous === undefined)
        throw new RegistryError('conflict', `model "${name}" has no previous stable version to roll back to`)
      await this.validVersion(dir, name, previous)
      const from = doc.aliases[STABLE] ?? null
      doc.aliases[STABLE] = previous
      record(doc, 'rollback', STABLE, from, previous, reason)
    })
  }

  private async assertFitsStable(
    dir: string,
    name: string,
    doc: AliasesDoc,
    next: VersionInfo,
  ): Promise<void> {
    const stable = doc.aliases[STABLE]
    if (stable === undefined || stable === next.version) return
    const serving = await readVersion(dir, name, stable).catch(() => null)
    const diff = serving === null ? null : versionDifference(serving, next)
    if (diff !== null)
      throw new RegistryError('conflict', `${diff}: it cannot replace or stand beside stable`)
  }
}

function ended(
  status: 'promoted' | 'rolled_back',
  stable: string | null,
  candidate: string | null,
  reason: string | null,
) {
  return { status, stable, candidate, reason, weight: 0, updated_at: new Date().toISOString() }
}

/** The table rows of a snapshot: versions ascending with aliases and accuracies (online from online.json). */
export function versionRows(s: NameSnapshot): VersionRow[] {
  const byVersion = aliasesByVersion(s.aliases)
  return s.versions.map((v) => {
    const online = s.online?.versions[v.version]
    return {
      version: v.version,
      aliases: byVersion.get(v.version) ?? [],
      created_at: v.createdAt,
      data_sha256: v.dataSha256,
      model_hash: v.modelHash,
      holdout_accuracy: v.holdoutAccuracy,
      cv_accuracy: v.cvAccuracy,
      online_accuracy: online && online.rows > 0 ? online.correct / online.rows : null,
      online_rows: online?.rows ?? 0,
    }
  })
}
