/**
 * The version folders of one name: `<root>/<name>/<n>/` with `<name>.json` (+ `<name>_metadata.json`), each
 * fully validated by the model loader's own checks (artifact.ts). A numeric folder that fails is reported as
 * broken, with the reason, and never served; dot-folders (versions still being written) are not versions yet.
 */
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { loadArtifact } from '../artifact.js'
import { VERSION_PATTERN } from './aliases.js'
import type { BrokenVersion, VersionInfo } from './types.js'

/** The model file of a version folder. */
export function modelFileIn(versionDir: string, name: string): string {
  return join(versionDir, `${name}.json`)
}

/** Numeric entries of a name folder, ascending (folders or not: a stray file "3" is reported broken). */
export async function versionEntries(nameDir: string): Promise<string[]> {
  let entries: string[]
  try {
    entries = await readdir(nameDir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return entries.filter((e) => VERSION_PATTERN.test(e)).sort((a, b) => Number(a) - Number(b))
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** Reads and validates one version folder. Throws (ModelLoadError) when it is not a servable version. */
export async function readVersion(nameDir: string, name: string, version: string): Promise<VersionInfo> {
  const dir = resolve(nameDir, version)
  const artifact = await loadArtifact(modelFileIn(dir, name))
  const m = artifact.metadata
  const metrics = m.metrics as { accuracy?: unknown } | null
  return {
    name,
    version,
    dir,
    modelPath: artifact.modelPath,
    metadataPath: artifact.metadataPath,
    modelHash: artifact.modelVersion,
    createdAt: m.created_at,
    dataSha256: m.data_sha256,
    holdoutAccuracy: num(metrics?.accuracy),
    cvAccuracy: num(m.cv_accuracy?.mean),
    featureNames: artifact.model.featureNames,
    classes: artifact.model.classes,
  }
}

/** Every version of a name: the valid ones and the broken ones (each with its reason). */
export async function listVersions(
  nameDir: string,
  name: string,
): Promise<{ versions: VersionInfo[]; broken: BrokenVersion[] }> {
  const versions: VersionInfo[] = []
  const broken: BrokenVersion[] = []
  for (const version of await versionEntries(nameDir)) {
    try {
      versions.push(await readVersion(nameDir, name, version))
    } catch (err) {
      broken.push({ name, version, dir: resolve(nameDir, version), reason: (err as Error).message })
    }
  }
  return { versions, broken }
}
