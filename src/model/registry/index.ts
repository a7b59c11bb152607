/**
 * The model registry (files only; see ./types.ts for the layout): what the CLI (`iris models`, `iris train
 * --registry`), the server (serving versions, polling aliases) and the rollout engine import.
 *
 * For the rollout engine and the feedback route:
 *  - what a worker serves: `ctx.versions` (ServedVersions): `.current` is a ServedSet (every aliased version
 *    loaded, `stable`, `aliases`, and the `snapshot` with `rollout` and `online`); `.get('candidate')` or
 *    `.get('2')` gives a loaded model; `.onSwap()` hears every applied change;
 *  - changing aliases or the rollout record: `registry.setAlias(name, 'candidate', v)` (409 with the difference
 *    when features or classes differ from stable), `promote`, `rollback`, or `editAliases(nameDir, change)` for
 *    anything else (e.g. `doc.rollout = {...}`): each is one locked, atomic edit with revision + 1, and every
 *    server applies it within REGISTRY_POLL_S (or at once: SIGHUP / POST /admin/reload with no body);
 *  - online accuracy for `iris models list` and GET /models: `writeOnline(nameDir, {"1": {rows, correct}})`.
 */
export {
  aliasesByVersion,
  editAliases,
  emptyAliases,
  readAliases,
  record,
  VERSION_PATTERN,
  validateAliases,
} from './aliases.js'
export { type ApplyOutcome, RegistryApplier, snapshotKey } from './applier.js'
export { RegistryError, type RegistryFault } from './errors.js'
export { withLock } from './lock.js'
export { readOnline, writeOnline } from './online.js'
export { type AddedVersion, Registry, versionDifference, versionRows } from './registry.js'
export {
  asVersion,
  loadServedSet,
  loadVersion,
  readServedSet,
  type ServedLog,
  type ServedSet,
  ServedVersions,
} from './served.js'
export { type RegistrySettings, type ServingRegistry, servingRegistry } from './settings.js'
export * from './types.js'
export { listVersions, modelFileIn, readVersion, versionEntries } from './versions.js'
