import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { ModelSaveError } from './errors.js'

/**
 * Writes `<path>.tmp-<pid>-<rand>` and renames it over `path`, so a reader (e.g. a server reloading the
 * model) sees the old file or the new one, never a half-written one. On failure the temp file is removed
 * and the old file is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`
  try {
    await mkdir(dirname(path), { recursive: true })
    const handle = await open(tmp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync() // the bytes are on disk before the name points at them
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {})
    throw new ModelSaveError(path, (err as Error).message)
  }
}
