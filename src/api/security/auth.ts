/**
 * Optional API keys. Keys are kept only as SHA-256 digests (from API_KEYS, hashed at start-up, or from
 * API_KEYS_FILE, one hex digest per line) and a presented key is hashed and compared with every digest
 * using crypto.timingSafeEqual, so neither the key nor its position in the list leaks through timing.
 * When no key is configured no hook is installed: the hot path pays nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpError } from '../errors.js'
import { pathOf } from '../recorder.js'

export interface AuthOptions {
  /** SHA-256 digests (32 bytes each) of the accepted keys; empty = predict routes open. */
  keyHashes: readonly Buffer[]
  /** Digests of the keys for /admin/*; empty = the ordinary keys also administer. */
  adminKeyHashes: readonly Buffer[]
  /** Protect GET /metrics too (it is open by default, like /health*). */
  metricsRequireKey: boolean
}

export class ApiKeyFileError extends Error {
  override name = 'ApiKeyFileError'
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest()
}

/** API_KEYS: comma-separated plain keys; blanks around commas are ignored. */
export function parseKeyList(list: string): Buffer[] {
  return list
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0)
    .map(hashKey)
}

/** API_KEYS_FILE content: one SHA-256 hex digest per line; blank lines and `#` comments skipped. */
export function parseKeyHashFile(text: string, file: string): Buffer[] {
  const hashes: Buffer[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') return
    if (!HEX_SHA256.test(line)) {
      throw new ApiKeyFileError(`${file}:${i + 1}: expected a SHA-256 digest (64 hex digits)`)
    }
    hashes.push(Buffer.from(line, 'hex'))
  })
  if (hashes.length === 0) throw new ApiKeyFileError(`${file}: no key digests found`)
  return hashes
}

export function readKeyHashFile(file: string): Buffer[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ApiKeyFileError(`${file}: cannot read API key file (${(err as NodeJS.ErrnoException).code})`)
  }
  return parseKeyHashFile(text, file)
}

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`, if any. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization
  if (typeof auth === 'string' && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') {
    return auth.slice(7).trim()
  }
  const header = request.headers['x-api-key']
  if (typeof header === 'string' && header.length > 0) return header.trim()
  return undefined
}

/** Index of the matching digest or -1; every digest is compared, whatever matches first. */
export function matchKey(hashes: readonly Buffer[], key: string): number {
  const digest = hashKey(key)
  let found = -1
  for (let i = 0; i < hashes.length; i++) {
    if (timingSafeEqual(digest, hashes[i]!) && found < 0) found = i
  }
  return found
}

/**
 * Open: /health*, /v2/health* (probes), GET/HEAD of the UI, docs and model info, /metrics unless
 * metricsRequireKey. Protected: every state-changing or computing method (POST predict, infer, admin)
 * and anything under /admin, so a route added later is closed by default.
 */
export function needsKey(method: string, path: string, metricsRequireKey: boolean): boolean {
  if (path.startsWith('/health') || path.startsWith('/v2/health')) return false
  if (path.startsWith('/admin')) return true
  if (path === '/metrics') return metricsRequireKey
  return !(method === 'GET' || method === 'HEAD' || method === 'OPTIONS')
}

const CHALLENGE = 'Bearer realm="iris-prediction-service"'

declare module 'fastify' {
  interface FastifyRequest {
    /** Which configured key authenticated this request ("k3": 4th key, "a0": 1st admin key), for rate limits. */
    apiKeyId?: string
  }
}

/** True when /admin/* can be reached at all: some key (admin or ordinary) is configured. */
export function adminEnabled(options: AuthOptions): boolean {
  return options.keyHashes.length > 0 || options.adminKeyHashes.length > 0
}

export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const { keyHashes, adminKeyHashes, metricsRequireKey } = options
  if (!adminEnabled(options)) return
  const adminHashes = adminKeyHashes.length > 0 ? adminKeyHashes : keyHashes
  const adminPrefix = adminKeyHashes.length > 0 ? 'a' : 'k'
  app.decorateRequest('apiKeyId', undefined)
  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url)
    const admin = path.startsWith('/admin')
    if (!admin && (keyHashes.length === 0 || !needsKey(request.method, path, metricsRequireKey))) return
    const key = presentedKey(request)
    const id = key === undefined ? -1 : matchKey(admin ? adminHashes : keyHashes, key)
    if (id < 0) {
      reply.header('www-authenticate', CHALLENGE)
      throw new HttpError(
        401,
        key === undefined
          ? 'missing API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"'
          : 'invalid API key',
      )
    }
    request.apiKeyId = `${admin ? adminPrefix : 'k'}${id}`
  })
}
