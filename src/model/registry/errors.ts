/**
 * Registry faults, each with a kind the API maps to a status (not_found 404, conflict 409, invalid 400) and the
 * CLI to exit code 1. Messages name the model, version or alias and the file at fault.
 */
export type RegistryFault = 'not_found' | 'conflict' | 'invalid' | 'busy'

export class RegistryError extends Error {
  override readonly name = 'RegistryError'
  constructor(
    readonly kind: RegistryFault,
    message: string,
  ) {
    super(message)
  }
}
