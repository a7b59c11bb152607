/**
 * The live table of API keys, and its rotation without a restart: the key files are polled (stat every
 * API_KEYS_FILE_POLL_S, which also sees a Kubernetes Secret volume's atomic symlink swap) and, when one
 * changed, all sources are read again and validated BEFORE the table is swapped. A faulty new file is
 * logged (file and fault) and the previous keys keep working.
 */
import { type Stats, unwatchFile, watchFile } from 'node:fs'
import { digestHex, type KeyEntry, keyTable, type Principal, parseKeyList, readKeyFile } from './api-keys.js'
import { ADMIN_KEY_SCOPES, DEFAULT_KEY_SCOPES } from './scopes.js'

export interface KeySources {
  /** API_KEYS: plain keys, comma-separated. */
  apiKeys: string
  /** ADMIN_API_KEYS. */
  adminApiKeys: string
  /** API_KEYS_FILE: path or ''. */
  apiKeysFile: string
  /** ADMIN_API_KEYS_FILE: path or ''. */
  adminApiKeysFile: string
}

export interface RotationLog {
  info(fields: object, message: string): void
  error(fields: object, message: string): void
}

/** Every configured key, from all four sources; throws KeyFileError naming the file and the fault. */
export function readKeySources(s: KeySources): KeyEntry[] {
  return [
    ...parseKeyList(s.apiKeys, 'api-key', DEFAULT_KEY_SCOPES),
    ...(s.apiKeysFile.trim() === '' ? [] : readKeyFile(s.apiKeysFile.trim(), 'API_KEYS_FILE')),
    ...parseKeyList(s.adminApiKeys, 'admin-key', ADMIN_KEY_SCOPES),
    ...(s.adminApiKeysFile.trim() === ''
      ? []
      : readKeyFile(s.adminApiKeysFile.trim(), 'ADMIN_API_KEYS_FILE')),
  ]
}

export class KeyStore {
  private table: Map<string, Principal>
  private readonly files: string[]
  private watching = false

  constructor(private readonly sources: KeySources) {
    this.table = keyTable(readKeySources(sources))
    this.clientKeys = sources.apiKeys.trim() !== '' || sources.apiKeysFile.trim() !== ''
    this.files = [sources.apiKeysFile, sources.adminApiKeysFile].map((f) => f.trim()).filter((f) => f !== '')
  }

  /**
   * Whether ordinary keys are configured (API_KEYS, API_KEYS_FILE): then predictions and reads need a key.
   * Fixed at start-up: a rotation cannot turn guarding off.
   */
  readonly clientKeys: boolean

  /** Keys currently accepted. */
  get size(): number {
    return this.table.size
  }

  /** True when any scope in the table is `scope` (e.g. whether anyone can administer). */
  grants(scope: 'admin' | 'metrics'): boolean {
    for (const p of this.table.values()) if (p.scopes.has(scope)) return true
    return false
  }

  /** The principal of a presented key, or undefined. One SHA-256 and one Map lookup. */
  lookup(key: string): Principal | undefined {
    return this.table.get(digestHex(key))
  }

  /** Read every source again; swap only if all of it is valid (else throw and keep the current keys). */
  reload(): number {
    const next = keyTable(readKeySources(this.sources))
    this.table = next
    return next.size
  }

  /** Poll the key files every `intervalMs` and reload when one changes. Returns the stop function. */
  watch(intervalMs: number, log: RotationLog): () => void {
    if (this.files.length === 0 || intervalMs <= 0 || this.watching) return () => {}
    this.watching = true
    const onChange = (curr: Stats, prev: Stats) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size && curr.ino === prev.ino) return
      try {
        const keys = this.reload()
        log.info({ keys, files: this.files }, 'API keys reloaded')
      } catch (err) {
        log.error(
          { files: this.files, error: (err as Error).message },
          'API key file refused: the previous keys stay in use',
        )
      }
    }
    for (const f of this.files) watchFile(f, { interval: intervalMs, persistent: false }, onChange)
    return () => {
      for (const f of this.files) unwatchFile(f, onChange)
      this.watching = false
    }
  }
}
