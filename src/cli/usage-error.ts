/** A bad command line: unknown flag, bad value, missing argument. The CLI prints it and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Exit codes: 0 success, 1 the work failed (bad data, bad model file), 2 bad command line. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
