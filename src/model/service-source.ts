import { readFileSync } from 'node:fs'

/**
 * "iris-prediction-service <version>" from package.json, recorded as a model's `source`. The file sits
 * two levels above this module both in src/model (tsx) and dist/model (built), so one path serves both.
 */
export function serviceSource(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    name: string
    version: string
  }
  return `${pkg.name} ${pkg.version}`
}
