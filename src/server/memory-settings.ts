/**
 * Memory settings for serving processes, in one place: the cluster primary gives them to its workers and
 * `npm start` (scripts/start.mjs, through the built dist/server/memory-settings.js) to a single process.
 * No imports: the launcher loads this file before anything else.
 */
/**
 * Node flags for workers: the parent's, plus two V8 heap settings unless the operator chose them (flags or
 * NODE_OPTIONS):
 * - a 4 MiB young-generation semi-space: V8's default (16 MiB on 64-bit) costs ~25 MB RSS per worker that a
 *   request handler allocating small, short-lived objects does not need (docs/decisions/013-fast-start.md);
 * - a 256 MiB old-generation limit: with V8's default (a share of the machine's RAM) the old generation
 *   grew ~0.3-0.8 MB/s under load up to 100-130 MB RSS before a full collection; with a limit V8 collects
 *   sooner and RSS stayed at 85 MB through 90 s of load, at the same req/s (docs/decisions/017-worker-old-generation-limit.md).
 *   The Iris model needs ~20 MB; a model near the limit needs a larger one (NODE_OPTIONS=--max-old-space-size=N).
 */
export function workerExecArgv(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): string[] {
  const chosen = (flag: string) => [...execArgv, nodeOptions].some((a) => a.includes(flag))
  return [
    ...execArgv,
    ...(chosen('semi-space-size') ? [] : [`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`]),
    ...(chosen('max-old-space-size') ? [] : [`--max-old-space-size=${WORKER_OLD_SPACE_MB}`]),
  ]
}

export const WORKER_OLD_SPACE_MB = 256
export const WORKER_SEMI_SPACE_MB = 4

/**
 * Environment additions for workers: glibc's malloc keeps one arena per thread that ever allocated (V8's
 * compiler and GC threads do), and each arena holds freed memory; two arenas save ~4-5 MB RSS per worker
 * under load at no measured throughput cost (docs/decisions/015-hot-path-and-memory.md). The operator's value wins.
 */
export function workerEnv(env: Record<string, string | undefined> = process.env): Record<string, string> {
  return env.MALLOC_ARENA_MAX === undefined ? { MALLOC_ARENA_MAX: String(MALLOC_ARENAS) } : {}
}

export const MALLOC_ARENAS = 2
