/**
 * A lock file per model name (`registry.lock`), so the CLI, every server process and other pods on a shared
 * volume edit aliases and add versions one at a time. Taken with an exclusive create (O_EXCL), holding
 * "<pid> <host> <time>"; released by removing it. A lock left by a dead process on this host, or older than
 * STALE_MS, is broken. Critical sections are a few file operations long, so waiters poll briefly.
 */
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, rm, stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { RegistryError } from './errors.js'
import { LOCK_FILE } from './types.js'

const STALE_MS = 30_000
const WAIT_MS = 10_000

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function isStale(path: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)])
    if (Date.now() - info.mtimeMs > STALE_MS) return true
    const [pid, host] = text.split(' ')
    // An empty file is a holder between create and write: not stale.
    return host === hostname() && Number(pid) > 0 && !alive(Number(pid))
  } catch {
    return false // gone already, or unreadable: retry the create
  }
}

/** Runs `fn` holding `<dir>/registry.lock`; throws RegistryError('busy') after WAIT_MS of waiting. */
export async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const path = join(dir, LOCK_FILE)
  const deadline = Date.now() + WAIT_MS
  let delay = 2
  for (;;) {
    try {
      const handle = await open(path, 'wx')
      try {
        await handle.writeFile(`${process.pid} ${hostname()} ${new Date().toISOString()}`)
      } finally {
        await handle.close()
      }
      break
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw new RegistryError('not_found', `${dir}: no such model folder`)
      if (code !== 'EEXIST') throw err
    }
    if (await isStale(path)) {
      // Move it aside first: of several processes breaking the same stale lock, only one rename succeeds.
      const aside = `${path}.stale-${randomBytes(4).toString('hex')}`
      await rename(path, aside).then(
        () => rm(aside, { force: true }),
        () => {},
      )
      continue
    }
    if (Date.now() > deadline)
      throw new RegistryError('busy', `${path} is held by another process; retry later`)
    await new Promise((r) => setTimeout(r, delay))
    delay = Math.min(50, delay * 2)
  }
  try {
    return await fn()
  } finally {
    await rm(path, { force: true })
  }
}
