import { readFile } from 'node:fs/promises'
import { CsvError } from '../data/errors.js'
import { formatRowFault, parseFeatureRows } from '../data/rows.js'
import { argmaxRow } from '../ml/index.js'
import { loadModel } from '../model/load-model.js'
import { Registry } from '../model/registry/index.js'
import { EXPLAIN_FLAG, explainColumns } from './explain-columns.js'
import type { CliIo } from './io.js'
import { type FlagSpec, formatFlagHelp, parseFlags } from './parse.js'
import { EXIT_FAILURE, EXIT_OK, UsageError } from './usage-error.js'

export const PREDICT_FLAGS: Record<string, FlagSpec> = {
  model: {
    value: '<file>',
    description: 'model file (its _metadata.json is read if present)',
    default: 'the stable version of iris_model in the models/ registry',
  },
  input: { value: '<csv|->', description: 'rows to predict, "-" for stdin; header optional (required flag)' },
  proba: { description: 'add one probability column per class' },
  explain: EXPLAIN_FLAG,
}

export const PREDICT_HELP = `Usage: iris predict --input rows.csv [--model models/iris_model/1/iris_model.json] [--proba] [--explain]

Writes CSV to stdout: the input columns, "prediction" and, with --proba, "proba_<class>" columns;
with --explain, "base_value" and "contrib_<feature>" columns for the predicted class.
A first row without numbers is a header; with one, feature columns are matched by name. If any row is
bad, every bad row is reported on stderr with its line number, nothing is written to stdout and the
exit code is 1.

Flags:
${formatFlagHelp(PREDICT_FLAGS)}`

export async function predictCommand(args: string[], io: CliIo): Promise<number> {
  const { values, flags, help } = parseFlags(args, PREDICT_FLAGS, ['proba', 'explain'])
  if (help) {
    io.out(`${PREDICT_HELP}\n`)
    return EXIT_OK
  }
  const input = values.input
  if (input === undefined) throw new UsageError('--input is required (a CSV file, or "-" for stdin)')
  const model = await loadModel(
    values.model ?? (await new Registry('models').resolve('iris_model', 'stable')).modelPath,
  )
  const source = input === '-' ? '<stdin>' : input
  const text = input === '-' ? await io.readStdin() : await readInput(input)
  const parsed = parseFeatureRows(text, model.featureNames, source)
  if (parsed.faults.length > 0) {
    for (const fault of parsed.faults) io.err(`${formatRowFault(source, fault)}\n`)
    io.err(`${parsed.faults.length} bad row(s); no predictions written\n`)
    return EXIT_FAILURE
  }
  const proba = model.predictProba(parsed.rows, parsed.nRows)
  const k = model.nClasses
  const why = flags.has('explain') ? explainColumns(model, parsed.rows, parsed.nRows, proba) : null
  const header = [
    ...parsed.columns,
    'prediction',
    ...(flags.has('proba') ? model.classes.map((c) => `proba_${c}`) : []),
    ...(why?.header ?? []),
  ]
  const out = [header.map(csvCell).join(',')]
  for (let r = 0; r < parsed.nRows; r++) {
    const p = proba.subarray(r * k, r * k + k)
    const cells = [...parsed.cells[r]!, model.classes[argmaxRow(proba, r * k, k)]!]
    if (flags.has('proba')) cells.push(...Array.from(p, String))
    if (why) cells.push(...why.cells(r))
    out.push(cells.map(csvCell).join(','))
  }
  io.out(`${out.join('\n')}\n`)
  return EXIT_OK
}

async function readInput(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new CsvError(
      'UNREADABLE',
      { source: path },
      code === 'ENOENT' ? 'file not found' : (err as Error).message,
    )
  }
}

/** Quotes a cell when CSV needs it. */
function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replaceAll('"', '""')}"` : cell
}
