/**
 * The one "is the build stale" rule for everything that starts the built server (tests, e2e, chaos,
 * benchmarks): the build is stale when dist/server.js or dist/web/index.html is missing, or older than the
 * newest file it is built from (src/, web/ without tests, the build scripts and configs). A stale build is
 * rebuilt with `npm run build` under `flock /tmp/build.lock` (BUILD_LOCK overrides the path), and checked
 * again once the lock is held, so processes that find it stale together build it once.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file is dev/harness/build.ts). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** What `npm run build` writes: the server bundle behind its launcher, and the UI. */
export const BUILD_OUTPUTS = ['dist/server.js', 'dist/web/index.html'] as const
/** What those outputs are built from (folders are walked; *.test.ts and node_modules are not inputs). */
export const BUILD_INPUTS = [
  'src',
  'web',
  'scripts/build-server.mjs',
  'scripts/start.mjs',
  'tsconfig.build.json',
  'web/vite.config.ts',
] as const

const SKIP = new Set(['node_modules', 'dist', '.vite'])

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return path.endsWith('.test.ts') ? 0 : st.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) {
    if (SKIP.has(entry)) continue
    newest = Math.max(newest, newestMtime(join(path, entry)))
  }
  return newest
}

/** Why the build is stale ("dist/server.js is missing", ...), or null when it is up to date. */
export function staleReason(root: string = ROOT): string | null {
  const newestInput = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(root, p))))
  for (const out of BUILD_OUTPUTS) {
    const file = join(root, out)
    if (!existsSync(file)) return `${out} is missing`
    if (statSync(file).mtimeMs < newestInput) return `${out} is older than its sources`
  }
  return null
}

const LOCK = process.env.BUILD_LOCK ?? '/tmp/build.lock'
const hasFlock = spawnSync('flock', ['--version']).error === undefined

/** Build when stale (see the rule above); a no-op when the build is up to date. */
export function ensureBuilt(root: string = ROOT): void {
  const reason = staleReason(root)
  if (reason === null) return
  console.log(`harness: ${reason}; running npm run build${hasFlock ? ` under ${LOCK}` : ''}`)
  // Under the lock, build only if still stale: another process may have built it while we waited.
  const recheck = `node --import tsx ${JSON.stringify(fileURLToPath(new URL('./build-if-stale.ts', import.meta.url)))}`
  if (hasFlock) execFileSync('flock', [LOCK, 'sh', '-c', recheck], { cwd: root, stdio: 'inherit' })
  else execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
}
