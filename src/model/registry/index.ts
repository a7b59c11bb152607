/**
 * The model registry (files only; see ./types.ts for the layout): what the CLI (`iris models`, `iris train
 * --registry`), the server (serving versions, polling aliases) and the rollout engine import.
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
