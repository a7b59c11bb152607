import { CsvError } from '../data/errors.js'
import { InvalidHyperParameterError, MlError } from '../ml/index.js'
import { ModelLoadError, ModelSaveError } from '../model/errors.js'
import { RegistryError } from '../model/registry/errors.js'
import { serviceSource } from '../model/service-source.js'
import type { CliIo } from './io.js'
import { modelsCommand } from './models-command.js'
import { predictCommand } from './predict-command.js'
import { retrainCommand } from './retrain-command.js'
import { serveCommand } from './serve-command.js'
import { trainCommand } from './train-command.js'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js'

export const MAIN_HELP = `Usage: iris <command> [flags]

Commands:
  train     fit a RandomForest on a labelled CSV and write the model files
  predict   predict rows of a CSV with a model file, CSV to stdout
  serve     start the HTTP API (--model, --port, --workers, --host; else environment variables)
  models    the model registry: list versions, show, promote, rollback, alias
  retrain   train the next registry version on its data + feedback rows, compare with stable

Run "iris <command> --help" for a command's flags. Exit codes: 0 ok, 1 failed, 2 bad command line.`

// Engine parameter names -> the flags that set them, so engine refusals read as flag errors.
const FLAG_OF: Record<string, string> = {
  nEstimators: '--trees',
  maxDepth: '--max-depth',
  minSamplesSplit: '--min-samples-split',
  minSamplesLeaf: '--min-samples-leaf',
  maxFeatures: '--max-features',
  testSize: '--test-size',
  seed: '--seed',
  k: '--cv',
}

type Runner = (args: string[], io: CliIo) => Promise<number>

const COMMANDS: Record<string, Runner> = {
  train: trainCommand,
  predict: predictCommand,
  serve: serveCommand,
  models: modelsCommand,
  retrain: retrainCommand,
}

/** Runs one CLI invocation and returns its exit code; every expected error is printed, not thrown. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(`${MAIN_HELP}\n`)
      return command === undefined ? EXIT_USAGE : EXIT_OK
    }
    if (command === '--version' || command === '-v') {
      io.out(`${serviceSource()}\n`)
      return EXIT_OK
    }
    const run = COMMANDS[command]
    if (!run)
      throw new UsageError(`unknown command "${command}" (expected train, predict, serve, models or retrain)`)
    return await run(args, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(
        `iris${command && COMMANDS[command] ? ` ${command}` : ''}: ${err.message}\nRun "iris ${command && COMMANDS[command] ? `${command} ` : ''}--help" for usage.\n`,
      )
      return EXIT_USAGE
    }
    if (err instanceof InvalidHyperParameterError && FLAG_OF[err.parameter]) {
      io.err(`iris ${command}: ${FLAG_OF[err.parameter]}: ${err.message}\n`)
      return EXIT_USAGE
    }
    if (
      err instanceof CsvError ||
      err instanceof ModelLoadError ||
      err instanceof ModelSaveError ||
      err instanceof RegistryError ||
      err instanceof MlError
    ) {
      io.err(`iris ${command}: ${err.message}\n`)
      return EXIT_FAILURE
    }
    throw err
  }
}
