/**
 * `iris serve [--model PATH] [--port N] [--workers N] [--host ADDR]`: the HTTP API. Flags override the
 * environment variables of the same settings (MODEL_PATH, PORT, WORKERS, HOST); everything else is
 * configured by environment (README "Configuration"). The flags are written into this process's
 * environment before the server starts, so cluster workers, which read the environment, see them too.
 */
import { ConfigError } from '../config.js'
import type { CliIo } from './io.js'
import { type FlagSpec, formatFlagHelp, parseFlags } from './parse.js'
import { EXIT_FAILURE, EXIT_OK } from './usage-error.js'

/** Flag -> the environment variable it sets. */
export const SERVE_FLAG_ENV: Record<string, string> = {
  model: 'MODEL_PATH',
  port: 'PORT',
  workers: 'WORKERS',
  host: 'HOST',
}

export const SERVE_FLAGS: Record<string, FlagSpec> = {
  model: {
    value: '<file>',
    description: 'serve this model file (MODEL_PATH)',
    default: 'the stable version of MODEL_NAME in the MODELS_DIR registry',
  },
  port: { value: '<n>', description: 'TCP port (PORT)', default: '8000' },
  workers: {
    value: '<n>',
    description: 'worker processes; 1 serves in this process (WORKERS)',
    default: 'CPU count',
  },
  host: { value: '<addr>', description: 'address to bind (HOST)', default: '0.0.0.0' },
}

export const SERVE_HELP = `Usage: iris serve [--model models/iris_model/1/iris_model.json] [--port 8000] [--workers 2] [--host 0.0.0.0]

Starts the HTTP API (UI at /, API docs at /docs). Each flag overrides its environment variable; every other
setting comes from the environment (see the README's Configuration table). SIGTERM stops it gracefully,
SIGHUP reloads the model.

Flags:
${formatFlagHelp(SERVE_FLAGS)}`

/** Names a fault by the flag the user typed when it came from one: "PORT ..." -> "--port (PORT) ...". */
function inFlagTerms(message: string, given: ReadonlySet<string>): string {
  let out = message
  for (const [flag, variable] of Object.entries(SERVE_FLAG_ENV)) {
    if (given.has(flag))
      out = out.replace(new RegExp(`(^|: |; )${variable}\\b`, 'gm'), `$1--${flag} (${variable})`)
  }
  return out
}

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, help } = parseFlags(args, SERVE_FLAGS)
  if (help) {
    io.out(`${SERVE_HELP}\n`)
    return EXIT_OK
  }
  const given = new Set(Object.keys(values).filter((k) => values[k] !== undefined))
  for (const flag of given) process.env[SERVE_FLAG_ENV[flag]!] = values[flag]
  // Loaded lazily (and through a variable) so `train` and `predict` never pay for loading Fastify.
  const serverModule = './../server.js'
  const { runServer } = (await import(serverModule)) as { runServer: () => Promise<void> }
  try {
    await runServer()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.err(
      `${inFlagTerms(err.message, given)
        .split('\n')
        .map((l) => `iris serve: ${l}`)
        .join('\n')}\n`,
    )
    return EXIT_FAILURE
  }
  return EXIT_OK
}
