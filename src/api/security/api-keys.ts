/**
 * API keys: where they come from and what each may do. Keys are kept only as SHA-256 digests; a presented
 * key is hashed once and looked up by its digest (a Map lookup on a digest leaks nothing an attacker could
 * use: learning which digests exist needs preimages). Sources:
 * - API_KEYS / ADMIN_API_KEYS: comma lists of plain keys (length checked by src/config-rules.ts), named
 *   `api-key-N` / `admin-key-N`, scopes "all but admin" / "admin";
 * - API_KEYS_FILE / ADMIN_API_KEYS_FILE: either one SHA-256 hex digest per line (`#` comments), named
 *   `<variable>-N` by position, with the same scopes as the plain lists; or (API_KEYS_FILE only) a JSON array
 *   `[{"name": "batch-team", "sha256": "<hex>", "scopes": ["predict"], "rate_per_minute": 600}]`.
 * A key listed twice gets the union of its scopes. Any fault names the file (or variable) and the place.
 */
import { hash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigError } from '../../config.js'
import { ADMIN_KEY_SCOPES, DEFAULT_KEY_SCOPES, isScope, SCOPES, type Scope } from './scopes.js'

/** Who made a request: a key or a bearer token, with what it may do (set by the auth hook). */
export interface Principal {
  /** Unique and stable: `key:<name>` or `jwt:<sub>`; what rate limits count by. */
  readonly id: string
  readonly kind: 'key' | 'jwt'
  /** For log lines and metrics: the key's configured name, or the token's subject. Never the secret. */
  readonly name: string
  readonly scopes: ReadonlySet<Scope>
  /** The key's own tier (API_KEYS_FILE's rate_per_minute); undefined = the global limit. */
  readonly ratePerMinute?: number
}

/** A key file (or list) that cannot be used: start-up stops with this one-line message. */
export class KeyFileError extends ConfigError {}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/
/** Names appear in log lines and metric labels: short, and only characters safe in both. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/

/**
 * SHA-256 of a key, lower-case hex. crypto.hash is the one-shot form: no Hash object (a native wrapper the
 * garbage collector must finalise) per request; ~0.24 µs against createHash's ~0.95 µs.
 */
export function digestHex(key: string): string {
  return hash('sha256', key, 'hex')
}

export interface KeyEntry {
  name: string
  /** SHA-256 of the key, lower-case hex. */
  sha256: string
  scopes: ReadonlySet<Scope>
  ratePerMinute?: number
}

/** API_KEYS / ADMIN_API_KEYS: comma-separated plain keys; blanks around commas are ignored. */
export function parseKeyList(list: string, prefix: string, scopes: ReadonlySet<Scope>): KeyEntry[] {
  return list
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0)
    .map((k, i) => ({ name: `${prefix}-${i + 1}`, sha256: digestHex(k), scopes }))
}

/** One SHA-256 hex digest per line; blank lines and `#` comments skipped. */
export function parseDigestLines(
  text: string,
  file: string,
  prefix: string,
  scopes: ReadonlySet<Scope>,
): KeyEntry[] {
  const out: KeyEntry[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') return
    if (!HEX_SHA256.test(line)) {
      throw new KeyFileError(`${file}:${i + 1}: expected a SHA-256 digest (64 hex digits)`)
    }
    out.push({ name: `${prefix}-${out.length + 1}`, sha256: line.toLowerCase(), scopes })
  })
  if (out.length === 0) throw new KeyFileError(`${file}: no key digests found`)
  return out
}

const ENTRY_FIELDS = new Set(['name', 'sha256', 'scopes', 'rate_per_minute'])

/** The JSON form: an array of {name, sha256, scopes, rate_per_minute?}; every fault says which entry. */
export function parseKeyJson(text: string, file: string): KeyEntry[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new KeyFileError(`${file}: not valid JSON (${(err as Error).message.slice(0, 100)})`)
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new KeyFileError(`${file}: expected a non-empty JSON array of {name, sha256, scopes}`)
  }
  const names = new Set<string>()
  return data.map((item: unknown, i): KeyEntry => {
    const where = `${file}: entry ${i + 1}`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new KeyFileError(`${where}: expected an object {name, sha256, scopes}`)
    }
    const e = item as Record<string, unknown>
    const extra = Object.keys(e).find((k) => !ENTRY_FIELDS.has(k))
    if (extra !== undefined) {
      throw new KeyFileError(
        `${where}: unknown field ${JSON.stringify(extra.slice(0, 40))} (fields: name, sha256, scopes, rate_per_minute)`,
      )
    }
    if (typeof e.name !== 'string' || !NAME.test(e.name)) {
      throw new KeyFileError(`${where}: name must be 1-64 letters, digits, ".", "_" or "-"`)
    }
    if (names.has(e.name)) throw new KeyFileError(`${where}: name "${e.name}" is used twice`)
    names.add(e.name)
    if (typeof e.sha256 !== 'string' || !HEX_SHA256.test(e.sha256)) {
      throw new KeyFileError(`${where} ("${e.name}"): sha256 must be 64 hex digits (the key's SHA-256)`)
    }
    if (!Array.isArray(e.scopes) || e.scopes.length === 0) {
      throw new KeyFileError(
        `${where} ("${e.name}"): scopes must be a non-empty array of ${SCOPES.join(', ')}`,
      )
    }
    const bad = e.scopes.find((s) => !isScope(s))
    if (bad !== undefined) {
      throw new KeyFileError(
        `${where} ("${e.name}"): unknown scope ${JSON.stringify(String(bad).slice(0, 40))} (scopes: ${SCOPES.join(', ')})`,
      )
    }
    const rate = e.rate_per_minute
    if (rate !== undefined && !(Number.isInteger(rate) && (rate as number) > 0)) {
      throw new KeyFileError(`${where} ("${e.name}"): rate_per_minute must be a positive integer`)
    }
    return {
      name: e.name,
      sha256: e.sha256.toLowerCase(),
      scopes: new Set(e.scopes as Scope[]),
      ...(rate === undefined ? {} : { ratePerMinute: rate as number }),
    }
  })
}

/** A key file's text in either form: JSON when it starts with `[`, else digest lines. */
export function parseKeyFile(text: string, file: string, variable: string, json: boolean): KeyEntry[] {
  if (text.trimStart().startsWith('[')) {
    if (!json) throw new KeyFileError(`${file}: ${variable} takes digest lines only, not JSON`)
    return parseKeyJson(text, file)
  }
  const scopes = variable.startsWith('ADMIN') ? ADMIN_KEY_SCOPES : DEFAULT_KEY_SCOPES
  return parseDigestLines(text, file, variable.toLowerCase().replaceAll('_', '-'), scopes)
}

export function readKeyFile(file: string, variable: string): KeyEntry[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new KeyFileError(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`)
  }
  return parseKeyFile(text, file, variable, variable === 'API_KEYS_FILE')
}

/** The lookup table: digest (hex) -> principal. Entries for the same key merge their scopes. */
export function keyTable(entries: readonly KeyEntry[]): Map<string, Principal> {
  const merged = new Map<string, KeyEntry>()
  for (const e of entries) {
    const seen = merged.get(e.sha256)
    if (seen === undefined) merged.set(e.sha256, e)
    else merged.set(e.sha256, { ...seen, scopes: new Set([...seen.scopes, ...e.scopes]) })
  }
  const table = new Map<string, Principal>()
  for (const [digest, e] of merged) {
    table.set(
      digest,
      Object.freeze({
        id: `key:${e.name}`,
        kind: 'key' as const,
        name: e.name,
        scopes: e.scopes,
        ...(e.ratePerMinute === undefined ? {} : { ratePerMinute: e.ratePerMinute }),
      }),
    )
  }
  return table
}
