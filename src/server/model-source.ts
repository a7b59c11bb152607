/**
 * Where a serving process gets its models, decided once from the settings:
 *  - the registry (default): MODEL_NAME's aliased versions under MODELS_DIR, stable answering; alias changes
 *    arrive through ./registry-relay.ts (poll, SIGHUP, POST /admin/reload);
 *  - one file (MODEL_PATH set, as before the registry): reloads through ./reload-cluster.ts.
 * Either way the stable model sits in the ModelSlot every route reads, so the API does not care which.
 */
import type { Config } from '../config.js'
import type { ModelSlot } from '../model/model-slot.js'
import {
  RegistryApplier,
  ServedVersions,
  type ServingRegistry,
  servingRegistry,
} from '../model/registry/index.js'
import { modelReloaderFor, type Reloader } from '../model/reload.js'
import {
  installPrimaryRegistry,
  installStandaloneRegistry,
  installWorkerRegistry,
  type RegistryLog,
} from './registry-relay.js'
import { installStandaloneReload, installWorkerReload } from './reload-cluster.js'

export interface ModelSource {
  /** POST /admin/reload. */
  readonly reload: Reloader
  /** Every loaded version (empty in MODEL_PATH mode). */
  readonly versions: ServedVersions
  readonly registry: ServingRegistry | null
  /** Loads the first model(s) into the slot; throws when there is nothing servable. */
  loadFirst(): Promise<void>
  /** For the start-up log line: {registry, name} or {path}. */
  readonly where: Record<string, string>
}

export function modelSourceFor(
  config: Config,
  models: ModelSlot,
  log: RegistryLog & { warn(obj: object, msg: string): void },
  inCluster: boolean,
): ModelSource {
  const versions = new ServedVersions()
  const target = servingRegistry(config)
  if (target !== null) {
    const applier = new RegistryApplier(target.registry, target.name, versions, models, log)
    return {
      reload: inCluster ? installWorkerRegistry(applier) : installStandaloneRegistry(applier, target, log),
      versions,
      registry: target,
      loadFirst: async () => {
        await applier.readAndApply()
      },
      where: { registry: target.registry.root, model: target.name },
    }
  }
  const reloader = modelReloaderFor(config, models)
  if (!inCluster) installStandaloneReload(reloader, log)
  return {
    reload: inCluster ? installWorkerReload(reloader) : reloader.local,
    versions,
    registry: null,
    // Through the reloader, so a reload ordered while this worker was starting is applied after it.
    loadFirst: async () => {
      await reloader.reloadFile()
    },
    where: { path: config.MODEL_PATH },
  }
}

/** The primary's side: the registry relay, or nothing (MODEL_PATH mode keeps ./reload-cluster.ts's relay). */
export function installPrimaryModelSource(config: Config, log: RegistryLog, onChanged: () => void): boolean {
  const target = servingRegistry(config)
  if (target === null) return false
  installPrimaryRegistry(target, log, onChanged)
  return true
}
