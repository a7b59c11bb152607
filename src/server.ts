/**
 * Process entry: `node dist/server.js` (what `npm start` and the Docker image run) or `runServer()` from the
 * CLI (`iris serve`). WORKERS=1 serves in this process; more runs a node:cluster primary (src/server/primary.ts)
 * whose workers execute the same entry. Configuration errors stop start-up with a message naming the variable.
 *
 * In production dist/server.js is a small launcher written by scripts/build-server.mjs: it turns on Node's
 * compile cache, then imports this module bundled (dist/server.bundle.js) and calls
 * startServer() with its own path, so cluster workers start through the launcher too
 * (docs/decisions/013-fast-start.md). Under tsx or tsc's plain output this file is its own entry.
 */
import cluster from 'node:cluster'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ConfigError, loadConfig } from './config.js'
import { preflightFaults } from './server/preflight.js'
import { runPrimary } from './server/primary.js'
import { runWorker } from './server/worker.js'

const ENTRY = fileURLToPath(import.meta.url)

export async function runServer(
  env: Record<string, string | undefined> = process.env,
  entry: string = ENTRY,
): Promise<void> {
  const config = loadConfig(env)
  // Once per start, before any worker: settings that cannot work here stop it with one line each.
  if (!cluster.isWorker) {
    const faults = await preflightFaults(config, env)
    if (faults.length > 0) throw new ConfigError(faults.join('\n'))
  }
  if (config.WORKERS === 1 || cluster.isWorker) {
    await runWorker(config)
    return
  }
  runPrimary(config, entry)
}

/** Runs the server as the process's main program; `entry` is the file cluster workers execute. */
export function startServer(entry: string = ENTRY): void {
  runServer(process.env, entry).catch((err: Error) => {
    // One line per fault, no stack (LOG_LEVEL=debug or trace adds it for an unexpected error).
    const debug = /^(debug|trace)$/i.test(process.env.LOG_LEVEL ?? '')
    const text =
      err.name === 'ConfigError'
        ? err.message
        : `start-up failed: ${err.message}${debug && err.stack ? `\n${err.stack}` : ''}`
    process.stderr.write(`${text}\n`)
    process.exit(1)
  })
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(ENTRY)
  } catch {
    return false
  }
}

if (isMain()) startServer()
