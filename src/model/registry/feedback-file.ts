/**
 * Labelled feedback rows kept in the registry as a dataset `iris retrain` trains on:
 *
 *   <root>/<name>/feedback.csv    header = the model's feature names + the training data's target column
 *
 * Written by one process per instance (the cluster primary, or the single process): a new file gets its
 * header through a temp file linked into place (never over a file another process just created); every
 * append is ONE write of whole lines to a file opened O_APPEND, so concurrent appenders never interleave
 * inside a line and a reader never sees half a line.
 */
import { randomBytes } from 'node:crypto'
import { link, open, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelMetadata } from '../types.js'
import { RegistryError } from './errors.js'

export const FEEDBACK_FILE = 'feedback.csv'

/** The target column a model's training data used (metadata.training.target), else "target". */
export function targetColumnOf(metadata: ModelMetadata): string {
  const t = (metadata.training as { target?: unknown } | undefined)?.target
  return typeof t === 'string' && t !== '' ? t : 'target'
}

/** One CSV line per row: the feature values as JavaScript writes them (exact round trip), then the label. */
export function feedbackLines(
  rows: Float64Array,
  nRows: number,
  nFeatures: number,
  labels: readonly string[],
): string {
  let out = ''
  for (let i = 0; i < nRows; i++) {
    const cells: string[] = []
    for (let f = 0; f < nFeatures; f++) cells.push(String(rows[i * nFeatures + f]))
    cells.push(csvCell(labels[i] ?? ''))
    out += `${cells.join(',')}\n`
  }
  return out
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Creates the file with `header` unless it exists; refuses (RegistryError 'conflict') another header. */
export async function ensureFeedbackFile(nameDir: string, header: readonly string[]): Promise<string> {
  const path = join(nameDir, FEEDBACK_FILE)
  const want = header.map(csvCell).join(',')
  const tmp = join(nameDir, `.tmp-feedback-${process.pid}-${randomBytes(6).toString('hex')}`)
  try {
    await writeFile(tmp, `${want}\n`, { flag: 'wx' })
    await link(tmp, path) // EEXIST when the file is already there: it is never replaced
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    await rm(tmp, { force: true }).catch(() => {})
  }
  const text = await readFile(path, 'utf8')
  const first = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'))
  if (first !== want)
    throw new RegistryError(
      'conflict',
      `${path} has columns "${first.slice(0, 100)}", the model's are "${want.slice(0, 100)}"`,
    )
  return path
}

/** Appends whole lines (each ending in "\n") in one O_APPEND write; the file is created with its header. */
export async function appendFeedback(
  nameDir: string,
  header: readonly string[],
  lines: string,
): Promise<void> {
  if (lines === '') return
  if (!lines.endsWith('\n')) throw new Error('feedback lines must end with a newline')
  const path = await ensureFeedbackFile(nameDir, header)
  const handle = await open(path, 'a')
  try {
    const bytes = Buffer.from(lines, 'utf8')
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length)
    if (bytesWritten !== bytes.length)
      throw new Error(`short append to ${path}: ${bytesWritten} of ${bytes.length} bytes`)
  } finally {
    await handle.close()
  }
}
