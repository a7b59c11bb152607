/**
 * `<root>/<name>/aliases.json`: read (strictly validated: a hand-edited file with a fault is refused with the
 * fault named, never half-used) and edited (read-modify-write under the name's lock, revision + 1, temp file +
 * rename). `editAliases` is the only writer: the CLI, the admin API and the rollout gate all go through it.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../atomic-write.js'
import { RegistryError } from './errors.js'
import { withLock } from './lock.js'
import {
  ALIAS_PATTERN,
  ALIASES_FILE,
  ALIASES_FORMAT,
  type AliasEvent,
  type AliasesDoc,
  HISTORY_LIMIT,
  type RolloutRecord,
} from './types.js'

export const VERSION_PATTERN = /^[1-9]\d{0,8}$/

export function emptyAliases(): AliasesDoc {
  return {
    format: ALIASES_FORMAT,
    revision: 0,
    aliases: {},
    previous_stable: [],
    last_version: 0,
    rollout: null,
    history: [],
  }
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isVersion = (v: unknown): v is string => typeof v === 'string' && VERSION_PATTERN.test(v)

/** Checks a parsed aliases.json; throws RegistryError('invalid') naming the file and the first fault. */
export function validateAliases(raw: unknown, file: string): AliasesDoc {
  const fail = (what: string): never => {
    throw new RegistryError('invalid', `${file}: ${what}`)
  }
  if (!isObj(raw)) return fail('the top level must be an object')
  if (raw.format !== ALIASES_FORMAT) fail(`format must be "${ALIASES_FORMAT}"`)
  if (!Number.isSafeInteger(raw.revision) || (raw.revision as number) < 0)
    fail('revision must be an integer >= 0')
  if (!isObj(raw.aliases)) fail('aliases must be an object of alias -> version')
  for (const [alias, v] of Object.entries(raw.aliases as object)) {
    if (!ALIAS_PATTERN.test(alias))
      fail(`alias ${JSON.stringify(alias).slice(0, 40)} is not a valid alias name`)
    if (!isVersion(v)) fail(`aliases.${alias} must be a version number as a string, e.g. "1"`)
  }
  if (!Array.isArray(raw.previous_stable) || !raw.previous_stable.every(isVersion))
    fail('previous_stable must be an array of version strings')
  if (!Number.isSafeInteger(raw.last_version) || (raw.last_version as number) < 0)
    fail('last_version must be an integer >= 0')
  if (raw.rollout !== null && !isObj(raw.rollout)) fail('rollout must be an object or null')
  if (!Array.isArray(raw.history) || !raw.history.every(isObj)) fail('history must be an array of objects')
  return raw as unknown as AliasesDoc
}

/** The name's aliases; an absent file is the empty document (a name with no alias yet). */
export async function readAliases(nameDir: string): Promise<AliasesDoc> {
  const file = join(nameDir, ALIASES_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyAliases()
    throw new RegistryError('invalid', `${file}: cannot read: ${(err as Error).message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new RegistryError('invalid', `${file}: not valid JSON (${(err as Error).message})`)
  }
  return validateAliases(raw, file)
}

export interface EditOptions {
  /** Compare-and-swap: refuse (RegistryError 'conflict') if the revision on disk is not this one. */
  expectRevision?: number
}

/**
 * Read-modify-write of aliases.json under the lock. `change` gets a copy it may mutate (or throw to abort:
 * nothing is written); the result is written with revision + 1. Returns the document as written.
 */
export function editAliases(
  nameDir: string,
  change: (doc: AliasesDoc) => void | Promise<void>,
  options: EditOptions = {},
): Promise<AliasesDoc> {
  return withLock(nameDir, () => editAliasesLocked(nameDir, change, options))
}

/** The same, for a caller that already holds the name's lock (adding a version). */
export async function editAliasesLocked(
  nameDir: string,
  change: (doc: AliasesDoc) => void | Promise<void>,
  options: EditOptions = {},
): Promise<AliasesDoc> {
  const doc = structuredClone(await readAliases(nameDir))
  if (options.expectRevision !== undefined && doc.revision !== options.expectRevision) {
    throw new RegistryError(
      'conflict',
      `the aliases changed meanwhile (revision ${doc.revision}, expected ${options.expectRevision}); read them again`,
    )
  }
  await change(doc)
  doc.revision++
  if (doc.history.length > HISTORY_LIMIT) doc.history.splice(0, doc.history.length - HISTORY_LIMIT)
  await writeFileAtomic(join(nameDir, ALIASES_FILE), `${JSON.stringify(doc, null, 2)}\n`)
  return doc
}

/** Appends an event to the history (inside an `editAliases` change). */
export function record(
  doc: AliasesDoc,
  action: AliasEvent['action'],
  alias: string,
  from: string | null,
  to: string | null,
  reason: string | null,
): void {
  doc.history.push({ at: new Date().toISOString(), action, alias, from, to, reason })
}

/** The versions aliases point at, as alias lists per version: {"1": ["stable"], "2": ["candidate"]}. */
export function aliasesByVersion(aliases: Readonly<Record<string, string>>): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const [alias, v] of Object.entries(aliases)) {
    const list = out.get(v) ?? []
    list.push(alias)
    out.set(v, list.sort())
  }
  return out
}

export type { RolloutRecord }
