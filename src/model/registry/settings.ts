/** Which registry a server serves from its settings (src/config.ts), or null when MODEL_PATH names one file. */
import { Registry } from './registry.js'

export interface RegistrySettings {
  readonly MODEL_PATH: string
  readonly MODELS_DIR: string
  readonly MODEL_NAME: string
  readonly REGISTRY_POLL_S: number
}

export interface ServingRegistry {
  readonly registry: Registry
  readonly name: string
  /** Seconds between polls of the registry; 0 = only on SIGHUP or POST /admin/reload. */
  readonly pollS: number
}

/** The default registry root, relative to the working directory (the image's /app). */
export const DEFAULT_MODELS_DIR = 'models'

export function servingRegistry(s: RegistrySettings): ServingRegistry | null {
  if (s.MODEL_PATH !== '') return null
  return {
    registry: new Registry(s.MODELS_DIR === '' ? DEFAULT_MODELS_DIR : s.MODELS_DIR),
    name: s.MODEL_NAME,
    pollS: s.REGISTRY_POLL_S,
  }
}
