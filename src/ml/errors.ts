/**
 * Typed errors of the ml layer. Each has a stable `code` so outer layers (model, api, cli)
 * can map them without parsing messages, and a message naming what is wrong and where.
 */
export type MlErrorCode =
  | 'FEATURE_COUNT'
  | 'NON_FINITE_INPUT'
  | 'NOT_FITTED'
  | 'EMPTY_TRAINING_DATA'
  | 'SINGLE_CLASS'
  | 'LENGTH_MISMATCH'
  | 'INVALID_HYPERPARAMETER'

export class MlError extends Error {
  readonly code: MlErrorCode
  constructor(code: MlErrorCode, message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}

/** A row has a different number of features than the model expects. */
export class FeatureCountError extends MlError {
  constructor(
    readonly expected: number,
    readonly got: number,
    readonly row: number,
  ) {
    super('FEATURE_COUNT', `row ${row}: expected ${expected} features, got ${got}`)
  }
}

/** A feature value is NaN or ±Infinity (or not a number at all). */
export class NonFiniteInputError extends MlError {
  constructor(
    readonly row: number,
    readonly column: number,
    readonly value: unknown,
  ) {
    super('NON_FINITE_INPUT', `row ${row}, column ${column}: value ${String(value)} is not a finite number`)
  }
}

/** predict/predictProba (or importances) asked of a classifier that was never fitted. */
export class NotFittedError extends MlError {
  constructor(what = 'RandomForestClassifier') {
    super('NOT_FITTED', `${what} is not fitted yet: call fit(X, y) first`)
  }
}

/** fit() got no rows, or rows without any feature. */
export class EmptyTrainingDataError extends MlError {
  constructor(detail = 'no training rows') {
    super('EMPTY_TRAINING_DATA', `cannot fit on empty training data: ${detail}`)
  }
}

/** fit() got labels of a single class: nothing to separate. */
export class SingleClassError extends MlError {
  constructor(readonly label: string) {
    super('SINGLE_CLASS', `training labels contain only one class ("${label}"); need at least 2`)
  }
}

/** X and y (or rows and a declared count) disagree in length. */
export class LengthMismatchError extends MlError {
  constructor(
    readonly what: string,
    readonly expected: number,
    readonly got: number,
  ) {
    super('LENGTH_MISMATCH', `${what}: expected length ${expected}, got ${got}`)
  }
}

/** A hyper-parameter out of its domain (name and offending value are kept). */
export class InvalidHyperParameterError extends MlError {
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly expectation: string,
  ) {
    super(
      'INVALID_HYPERPARAMETER',
      `invalid ${parameter}=${JSON.stringify(value) ?? String(value)}: ${expectation}`,
    )
  }
}
