/**
 * The model registry's contract (files, like TF Serving's base path): one folder per model name, one folder per
 * version (integers, increasing), aliases in one small file per name, all written atomically.
 *
 *   <root>/<name>/<version>/<name>.json            the model (docs/model-format.md)
 *   <root>/<name>/<version>/<name>_metadata.json   its metadata, as `iris train` writes them
 *   <root>/<name>/aliases.json                     AliasesDoc: alias -> version, previous stables, history
 *   <root>/<name>/online.json                      OnlineDoc: labelled-feedback counts per version (the server writes)
 *   <root>/<name>/registry.lock                    held (milliseconds) by whoever edits aliases or adds a version
 *   <root>/<name>/.tmp-*                           a version being written; renamed to <version> when complete
 *
 * Readers never see a half-written file or folder: files are written to a temp name and renamed, a version is
 * written into a temp folder and renamed, and every edit of aliases.json is a read-modify-write under the lock
 * that also bumps `revision` (so a poller compares one integer, and a caller may compare-and-swap on it).
 */

/** File names inside `<root>/<name>/`. */
export const ALIASES_FILE = 'aliases.json'
export const ONLINE_FILE = 'online.json'
export const LOCK_FILE = 'registry.lock'
export const TEMP_PREFIX = '.tmp-'
export const ALIASES_FORMAT = 'iris-registry-aliases'

/** The aliases the service gives meaning to; any other name matching ALIAS_PATTERN may be set by hand. */
export const STABLE = 'stable'
export const CANDIDATE = 'candidate'
/** Alias names: lower-case, start with a letter (so they never look like a version number). */
export const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/
/** Model names: a folder name and the model file's base name. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/** What changed an alias (kept in AliasesDoc.history, newest last, capped at HISTORY_LIMIT). */
export type AliasAction = 'register' | 'promote' | 'rollback' | 'alias' | 'unalias' | 'rollout'
export const HISTORY_LIMIT = 100

export interface AliasEvent {
  at: string
  action: AliasAction
  alias: string
  /** Version numbers as strings ("1"), null for none. */
  from: string | null
  to: string | null
  /** Who/why, e.g. "cli", "admin api", "gate: candidate worse than stable (p = 0.003)". */
  reason: string | null
}

/**
 * A rollout's state as other instances must see it (H3's rollout engine writes it through `editAliases`).
 * `status` 'none' = never started; the folder's `candidate` alias names the version under rollout.
 */
export interface RolloutRecord {
  status: 'running' | 'promoted' | 'rolled_back' | 'none'
  stable: string | null
  candidate: string | null
  mode: 'canary' | 'shadow' | null
  /** Share of prediction requests the candidate answers in canary mode, 0..1. */
  weight: number
  reason: string | null
  updated_at: string
}

/** `<root>/<name>/aliases.json`. */
export interface AliasesDoc {
  format: typeof ALIASES_FORMAT
  /** Bumped by every edit: a poller compares it; editAliases can refuse when it moved (compare-and-swap). */
  revision: number
  /** alias -> version ("1"). */
  aliases: Record<string, string>
  /** Stables replaced by promote/alias, most recent last: `rollback` (no rollout running) pops one. */
  previous_stable: string[]
  /** The highest version ever created: versions are never reused, even if a folder is deleted. */
  last_version: number
  rollout: RolloutRecord | null
  history: AliasEvent[]
}

/** One valid version folder. */
export interface VersionInfo {
  name: string
  /** "1", "2", ... (decimal, no leading zeros). */
  version: string
  /** Absolute paths. */
  dir: string
  modelPath: string
  metadataPath: string | null
  /** The model file's SHA-256 prefix (metadata.model_version). */
  modelHash: string
  createdAt: string | null
  dataSha256: string | null
  /** Hold-out accuracy recorded at training (metadata.metrics.accuracy), null if unknown. */
  holdoutAccuracy: number | null
  /** Mean k-fold CV accuracy recorded at training, null if unknown. */
  cvAccuracy: number | null
  featureNames: readonly string[]
  classes: readonly string[]
}

/** A numeric folder that is not a valid version (missing or broken files): listed, never served. */
export interface BrokenVersion {
  name: string
  version: string
  dir: string
  reason: string
}

/** `<root>/<name>/online.json`: labelled feedback so far, per version (summed over the instance's workers). */
export interface OnlineDoc {
  updated_at: string
  versions: Record<string, { rows: number; correct: number }>
}

/** Everything about one name at one moment (CLI table, GET /models, the server's poll). */
export interface NameSnapshot {
  name: string
  revision: number
  aliases: Record<string, string>
  previousStable: readonly string[]
  rollout: RolloutRecord | null
  history: readonly AliasEvent[]
  versions: readonly VersionInfo[]
  broken: readonly BrokenVersion[]
  online: OnlineDoc | null
}

/** One row of `iris models list` / one entry of GET /models' `versions`. */
export interface VersionRow {
  version: string
  aliases: string[]
  created_at: string | null
  data_sha256: string | null
  model_hash: string
  holdout_accuracy: number | null
  cv_accuracy: number | null
  /** Online accuracy from labelled feedback so far, null when none was recorded. */
  online_accuracy: number | null
  online_rows: number
}
