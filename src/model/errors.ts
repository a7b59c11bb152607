/**
 * Errors of the model layer. A ModelLoadError always names the file and the single fault found,
 * e.g. "models/<name>.json: trees[3].feature[12] = 7 is out of range (n_features = 4)".
 */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError'
  constructor(
    readonly file: string,
    readonly fault: string,
  ) {
    super(`${file}: ${fault}`)
  }
}

/** Writing a model's files failed; the previous files (if any) are left as they were. */
export class ModelSaveError extends Error {
  override readonly name = 'ModelSaveError'
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: could not write: ${reason}`)
  }
}
