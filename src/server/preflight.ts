/**
 * Checks made once before the server starts (in the cluster primary, or the single process), so a setting
 * that cannot work stops start-up with one line naming it instead of a stack trace from deep inside a
 * worker: a HOST that is no address here, key files, a model file or folders that do not exist, CORS
 * origins that are not origins, rate tiers that are not tier=rate. config.ts checks each value's form; this checks it against the machine.
 */
import { lookup } from 'node:dns/promises'
import { stat } from 'node:fs/promises'
import { isIP } from 'node:net'
import { parseCorsOrigins } from '../api/security/headers.js'
import { parseRateTiers } from '../api/security/jwt-tiers.js'
import type { Config } from '../config.js'

type Env = Record<string, string | undefined>

/** What `path` is, for "<VAR>: <path> is ..." messages; null when it is what was wanted. */
async function pathFault(path: string, want: 'file' | 'folder'): Promise<string | null> {
  try {
    const info = await stat(path)
    if (want === 'file' && !info.isFile()) return `${path} is not a file`
    if (want === 'folder' && !info.isDirectory()) return `${path} is not a folder`
    return null
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code ?? 'error'})`
  }
}

async function hostFault(host: string): Promise<string | null> {
  if (isIP(host) !== 0) return null
  try {
    await lookup(host)
    return null
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    return `HOST: ${JSON.stringify(host.slice(0, 100))} is not an IP address nor a host name that resolves here (${code}); use 0.0.0.0 (every interface), 127.0.0.1 (this machine only) or ::`
  }
}

const WHAT_FILE: Record<string, string> = {
  API_KEYS_FILE: 'SHA-256 digests of the keys, one per line, or a JSON list',
  ADMIN_API_KEYS_FILE: 'SHA-256 digests of the admin keys, one per line, or a JSON list',
  MODEL_PATH: 'the model file to serve',
}

/** Every fault found, one line each (empty: good to start). */
export async function preflightFaults(config: Config, env: Env): Promise<string[]> {
  const faults: string[] = []
  const host = await hostFault(config.HOST)
  if (host !== null) faults.push(host)
  for (const name of ['API_KEYS_FILE', 'ADMIN_API_KEYS_FILE', 'MODEL_PATH'] as const) {
    const path = config[name].trim()
    if (path === '') continue
    const fault = await pathFault(path, 'file')
    if (fault !== null) faults.push(`${name}: ${fault} (${WHAT_FILE[name]})`)
  }
  // Folders: MODELS_DIR when given; WEB_ROOT when given (its default, dist/web, may be absent: no UI).
  if (config.MODELS_DIR.trim() !== '') {
    const fault = await pathFault(config.MODELS_DIR, 'folder')
    if (fault !== null) faults.push(`MODELS_DIR: ${fault} (the models folder)`)
  }
  if ((env.WEB_ROOT ?? '').trim() !== '') {
    const fault = await pathFault(config.WEB_ROOT, 'folder')
    if (fault !== null) faults.push(`WEB_ROOT: ${fault} (the built UI: npm run build writes dist/web)`)
  }
  for (const parse of [
    () => parseCorsOrigins(config.CORS_ORIGINS),
    () => parseRateTiers(config.JWT_RATE_TIERS),
  ]) {
    try {
      parse()
    } catch (err) {
      faults.push((err as Error).message)
    }
  }
  return faults
}
