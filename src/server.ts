/**
 * Process entry: `node dist/server.js` (what `npm start` and the Docker image run) or `runServer()` from the
 * CLI (`iris serve`). WORKERS=1 serves in this process; more runs a node:cluster primary (src/server/primary.ts)
 * whose workers execute this same file. Configuration errors stop start-up with a message naming the variable.
 */
import cluster from 'node:cluster'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadConfig } from './config.js'
import { runPrimary } from './server/primary.js'
import { runWorker } from './server/worker.js'

const ENTRY = fileURLToPath(import.meta.url)

export async function runServer(env: Record<string, string | undefined> = process.env): Promise<void> {
  const config = loadConfig(env)
  if (config.WORKERS === 1 || cluster.isWorker) {
    await runWorker(config)
    return
  }
  runPrimary(config, ENTRY)
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(ENTRY)
  } catch {
    return false
  }
}

if (isMain()) {
  runServer().catch((err: Error) => {
    process.stderr.write(`${err.name === 'ConfigError' ? err.message : (err.stack ?? String(err))}\n`)
    process.exit(1)
  })
}
