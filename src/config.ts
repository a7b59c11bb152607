/**
 * The service's configuration: the ONLY module that reads process.env.
 * One TypeBox schema, keyed by the environment variable names, gives the types, the defaults, the
 * constraints and the docs; adding a setting is one line in `ConfigSchema`. Values are converted strictly
 * (no "1.5" -> 1 truncation) and every fault names its variable, so start-up stops with a useful message.
 */
import { availableParallelism } from 'node:os'
import { type Static, type TSchema, Type } from 'typebox'
import Value from 'typebox/value'
import { crossFieldFaults } from './config-rules.js'

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
const int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description })
const seconds = (def: number, description: string) =>
  Type.Number({ exclusiveMinimum: 0, maximum: 86_400, default: def, description })

export const ConfigSchema = Type.Object({
  PORT: int(0, 65_535, 8000, 'TCP port to listen on (0 = any free port)'),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address to bind' }),
  WORKERS: int(1, 256, availableParallelism(), 'Worker processes (node:cluster); 1 runs in-process'),
  STANDBY_WORKERS: int(
    0,
    16,
    1,
    'Warm spare workers (model loaded, not listening) that take over at once when a worker dies; WORKERS > 1 only',
  ),
  REQUEST_TIMEOUT_S: seconds(30, 'Whole-request timeout: a client slower than this is cut off'),
  HEADERS_TIMEOUT_S: seconds(10, 'Time allowed to receive the request headers (capped at REQUEST_TIMEOUT_S)'),
  KEEP_ALIVE_TIMEOUT_S: seconds(5, 'Idle keep-alive connections are closed after this'),
  SHUTDOWN_GRACE_S: seconds(10, 'On SIGTERM/SIGINT, in-flight requests get this long to finish'),
  LOG_LEVEL: Type.Enum([...LOG_LEVELS], { default: 'info', description: 'pino level (case-insensitive)' }),
  MODEL_PATH: Type.String({
    default: '',
    description: "One model file to serve (default: MODEL_NAME's stable version in the MODELS_DIR registry)",
  }),
  BODY_LIMIT: int(64, 1 << 30, 1 << 20, 'Largest accepted request body in bytes (413 above)'),
  MAX_BATCH_ROWS: int(1, 10_000_000, 10_000, 'Most rows in one prediction request (413 above)'),
  MAX_STREAM_ROWS: int(
    1,
    2 ** 31 - 1,
    100_000_000,
    'Most rows in one streamed text/csv or NDJSON prediction (error record above)',
  ),
  STREAM_TIMEOUT_S: seconds(
    600,
    'Time limit of one streamed prediction, upload to last byte (error record after)',
  ),
  EXPLAIN_MAX_ROWS: int(1, 10_000_000, 500, 'Most rows in one /explain request (413 above): ~0.1 ms each'),
  MODEL_MAX_BYTES: int(1024, 2 ** 40, 32 * 2 ** 20, 'Largest model file loaded (refused before reading)'),
  WEB_ROOT: Type.String({
    minLength: 1,
    default: 'dist/web',
    description: 'Built UI served at / if present',
  }),
  // Reliability and security (src/api/security, src/model/reload.ts): all off or generous by default.
  MODELS_DIR: Type.String({
    default: '',
    description:
      "The model registry's root (default: models); with MODEL_PATH, the folder /admin/reload may load from (default: MODEL_PATH's)",
  }),
  MODEL_NAME: Type.String({ minLength: 1, default: 'iris_model', description: 'The registry model served' }),
  REGISTRY_POLL_S: Type.Number({
    minimum: 0,
    maximum: 86_400,
    default: 5,
    description: 'How often servers re-read the registry for alias changes (0 = only on SIGHUP)',
  }),
  API_KEYS: Type.String({
    default: '',
    description:
      'Comma-separated API keys (16+ characters each; all scopes but admin); set = routes need one',
  }),
  API_KEYS_FILE: Type.String({
    default: '',
    description:
      'Key file: SHA-256 hex digests one per line, or a JSON array of {name, sha256, scopes, rate_per_minute}',
  }),
  API_KEYS_FILE_POLL_S: Type.Number({
    minimum: 0,
    maximum: 86_400,
    default: 10,
    description: 'Key files are re-read this often when changed (rotation without restart); 0 = never',
  }),
  ADMIN_API_KEYS: Type.String({
    default: '',
    description: 'Comma-separated keys (16+ characters) for /admin/*; the only keys that can administer',
  }),
  ADMIN_API_KEYS_FILE: Type.String({ default: '', description: 'File of SHA-256 hex digests of admin keys' }),
  JWT_JWKS_URL: Type.String({
    default: '',
    description: 'OAuth2/OIDC bearer tokens: the issuer JWKS URL (with JWT_ISSUER and JWT_AUDIENCE)',
  }),
  JWT_ISSUER: Type.String({ default: '', description: 'Expected `iss` of bearer tokens' }),
  JWT_AUDIENCE: Type.String({ default: '', description: 'Expected `aud` of bearer tokens' }),
  JWT_JWKS_COOLDOWN_S: Type.Number({
    minimum: 0,
    maximum: 86_400,
    default: 30,
    description: 'Least time between two JWKS fetches caused by tokens with an unknown kid',
  }),
  JWT_RATE_TIERS: Type.String({
    default: '',
    description:
      'Rate tiers of bearer tokens: tier=requests-per-minute, comma-separated (e.g. free=60,team=600); the tier is named by JWT_TIER_CLAIM',
  }),
  JWT_TIER_CLAIM: Type.String({
    default: 'tier',
    pattern: '^[A-Za-z0-9_.:-]{1,64}$',
    description: 'The bearer-token claim naming its rate tier in JWT_RATE_TIERS',
  }),
  HTTP_FAST_LANE: Type.Boolean({
    default: true,
    description:
      'Answer plain JSON POST /predict and /predict-proba ahead of Fastify (with the same key, token and limit checks)',
  }),
  METRICS_REQUIRE_KEY: Type.Boolean({
    default: false,
    description: 'GET /metrics needs a key or token with the metrics scope',
  }),
  RATE_LIMIT_MAX: int(
    0,
    100_000_000,
    0,
    'Requests per client (key or token, else address) per window, across the instance (or REDIS_URL); 0 = off',
  ),
  RATE_LIMIT_WINDOW_S: seconds(60, 'Rate-limit window length'),
  REDIS_URL: Type.String({
    default: '',
    description:
      'redis://host:6379: rate-limit counts shared by every instance using it (default: per instance)',
  }),
  RATE_LIMIT_ON_STORE_ERROR: Type.Enum(['open', 'closed'], {
    default: 'open',
    description:
      'When the rate-limit store (Redis) fails or is slow: let requests through, or refuse them (429)',
  }),
  RATE_LIMIT_STORE_TIMEOUT_MS: int(
    1,
    10_000,
    100,
    'Longest wait for the rate-limit store before RATE_LIMIT_ON_STORE_ERROR applies',
  ),
  TRUST_PROXY: Type.String({
    default: 'off',
    pattern: '^\\s*(off|false|\\d{1,2}|[0-9A-Za-z:./]+(\\s*,\\s*[0-9A-Za-z:./]+)*)\\s*$',
    description:
      'off, a hop count (1 = one ingress in front) or proxy addresses/CIDRs: whether X-Forwarded-For names the client',
  }),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'Comma-separated origins allowed by CORS (default: none)',
  }),
  // Drift detection (src/api/drift, docs/decisions/021-drift-detection.md).
  DRIFT_WINDOW_ROWS: int(10, 10_000, 500, 'Rows per model version in the live drift window (all workers)'),
  DRIFT_MIN_ROWS: int(1, 10_000, 100, 'Rows the window needs before drift is judged'),
  DRIFT_CHECK_S: seconds(30, 'How often drift is checked for the webhook (GET /drift and scrapes check too)'),
  DRIFT_WEBHOOK_URL: Type.String({
    default: '',
    pattern: '^(|https?://\\S+)$',
    description:
      'POST a CloudEvents io.iris.drift.detected event here when the dataset flag turns on (default: none)',
  }),
  DRIFT_WEBHOOK_TIMEOUT_MS: int(100, 600_000, 5000, 'Time allowed for one drift webhook POST'),
  DRIFT_WEBHOOK_RETRIES: int(
    0,
    20,
    3,
    'Drift webhook retries after a failed POST (back-off 0.5 s, doubling)',
  ),
  // The rollout gate (src/model/rollout/gate.ts, docs/rollouts.md).
  ROLLOUT_MIN_FEEDBACK: int(1, 1_000_000, 50, 'Paired feedback rows before the rollout gate judges'),
  ROLLOUT_ALPHA: Type.Number({
    exclusiveMinimum: 0,
    maximum: 0.5,
    default: 0.05,
    description: "Significance of the gate's McNemar test (candidate worse than stable)",
  }),
  ROLLOUT_ERROR_MARGIN: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.05,
    description: "Roll back when the candidate's error rate exceeds stable's by more than this (absolute)",
  }),
  ROLLOUT_SHADOW_AGREEMENT_MIN: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.9,
    description: 'Shadow mode: roll back when the candidate agrees with stable on fewer rows than this share',
  }),
  ROLLOUT_P99_MARGIN: Type.Number({
    minimum: 0,
    maximum: 1000,
    default: 1.5,
    description:
      "Roll back when the candidate's p99 prediction time exceeds this many times stable's (0 turns it off)",
  }),
  ROLLOUT_LATENCY_MIN_SAMPLES: int(
    1,
    100_000_000,
    1000,
    'Timed predictions each version needs before the p99 rule judges (all workers)',
  ),
  ROLLOUT_P99_FLOOR_MS: Type.Number({
    minimum: 0,
    maximum: 600_000,
    default: 1,
    description: 'A candidate p99 prediction time at or under this (ms) never fails the latency rule',
  }),
  ROLLOUT_AUTO_PROMOTE: Type.Boolean({
    default: false,
    description: 'Promote a candidate that passes the gate after ROLLOUT_MIN_FEEDBACK paired rows',
  }),
})

export type Config = Readonly<Static<typeof ConfigSchema>>

/** A configuration fault; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

const INTEGER = /^[+-]?\d+$/
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** Strict string -> value conversion by the field's JSON type; undefined = not convertible. */
function convert(schema: TSchema, raw: string): unknown {
  const type = (schema as { type?: string }).type
  const text = raw.trim()
  if (type === 'integer') return INTEGER.test(text) ? Number(text) : undefined
  if (type === 'number') return NUMBER.test(text) ? Number(text) : undefined
  if (type === 'boolean')
    return /^(true|1|yes)$/i.test(text) ? true : /^(false|0|no)$/i.test(text) ? false : undefined
  if ((schema as { enum?: unknown[] }).enum) return text.toLowerCase()
  return raw
}

function describe(schema: TSchema): string {
  const s = schema as {
    type?: string
    enum?: unknown[]
    minimum?: number
    maximum?: number
    exclusiveMinimum?: number
  }
  if (s.enum) return `one of ${s.enum.join(', ')}`
  const low = s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : `>= ${s.minimum}`
  if (s.type === 'integer') return `an integer ${low} and <= ${s.maximum}`
  if (s.type === 'number') return `a number ${low} and <= ${s.maximum}`
  if (s.type === 'boolean') return 'true or false'
  if ((schema as { pattern?: string }).pattern !== undefined)
    return (schema as { description?: string }).description ?? 'valid'
  return 'a non-empty string'
}

/** Parse and validate `env` (default: process.env) into a frozen config, or throw ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {}
  const faults: string[] = []
  for (const [name, schema] of Object.entries(ConfigSchema.properties) as [string, TSchema][]) {
    const raw = env[name]
    // Unset and empty are the same: compose files often pass `VAR=` for "use the default".
    if (raw === undefined || raw.trim() === '') {
      out[name] = (schema as { default?: unknown }).default
      continue
    }
    const value = convert(schema, raw)
    if (value === undefined || !Value.Check(schema, value)) {
      faults.push(`${name} must be ${describe(schema)}, got ${JSON.stringify(raw)}`)
      continue
    }
    out[name] = value
  }
  if (faults.length === 0) faults.push(...crossFieldFaults(out as Config))
  if (faults.length > 0) throw new ConfigError(`Invalid configuration: ${faults.join('; ')}`)
  return Object.freeze(out) as Config
}
