import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './server.js'

// Models the browser tests serve instead of the committed Iris one: trained from a fixture CSV by the
// real `iris train` (so the artifact carries what training writes, training_summary included), in a
// temporary folder removed by `remove()`.

export interface FixtureModel {
  /** The model file, for MODEL_PATH. */
  readonly path: string
  /** The same model file alone in another folder: as if imported without metadata (no training summary). */
  bare(): string
  remove(): void
}

export function trainFixtureModel(csv: string, name: string): FixtureModel {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-model-'))
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'train', '--data', csv, '--out', dir, '--name', name, '--cv', 'none'],
    { cwd: ROOT, stdio: 'pipe' },
  )
  const path = join(dir, `${name}.json`)
  return {
    path,
    bare() {
      const bareDir = mkdtempSync(join(dir, 'bare-'))
      const target = join(bareDir, `${name}.json`)
      copyFileSync(path, target)
      return target
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
