import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { type LabelledDataset, type ParseCsvOptions, parseLabelledCsv } from './csv.js'
import { CsvError } from './errors.js'

export interface LoadedDataset extends LabelledDataset {
  /** Path as given; also used in error messages. */
  path: string
  /** SHA-256 (hex) of the file's bytes, recorded in model metadata to tie a model to its data. */
  sha256: string
}

/** Reads a labelled CSV file, hashes its bytes and parses it (see parseLabelledCsv). */
export async function loadLabelledCsv(
  path: string,
  options: Omit<ParseCsvOptions, 'source'> = {},
): Promise<LoadedDataset> {
  const bytes = await readBytes(path)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const text = new TextDecoder('utf-8').decode(bytes)
  return { ...parseLabelledCsv(text, { ...options, source: path }), path, sha256 }
}

/** Reads a file for the data layer, turning fs errors into a CsvError naming the file. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : String(err)
    throw new CsvError('UNREADABLE', { source: path }, why)
  }
}
