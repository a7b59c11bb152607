#!/usr/bin/env node
/**
 * `npm start`: build when dist/ is missing or older than any file in src/ (or web/, tsconfig, package.json),
 * then run exactly what the Docker image runs, `node dist/server.js` (with a smaller V8 young generation, see
 * below), forwarding SIGTERM/SIGINT/SIGHUP and
 * exiting with its code.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ENTRY = 'dist/server.js'
const SOURCES = ['src', 'web/src', 'web/index.html', 'tsconfig.json', 'tsconfig.build.json', 'package.json']

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

function needsBuild() {
  if (!existsSync(ENTRY)) return true
  const built = statSync(ENTRY).mtimeMs
  return SOURCES.some((p) => newestMtime(p) > built)
}

if (needsBuild()) {
  process.stderr.write('dist/ is missing or older than the sources: running `npm run build`\n')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['run', 'build'], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

// A 4 MiB young generation and a 256 MiB old-generation limit keep a serving process under 90 MB RSS under
// load (docs/decisions/013-fast-start.md, 016-fast-lane.md). The cluster primary gives them to its workers
// itself; through NODE_OPTIONS they also reach a single process (WORKERS=1), which cannot set them once
// running. An operator's own choice of either wins.
// Likewise two glibc malloc arenas (docs/decisions/015-hot-path-and-memory.md), unless the operator set MALLOC_ARENA_MAX.
const nodeOptions = process.env.NODE_OPTIONS ?? ''
const heapFlags = [
  nodeOptions.includes('semi-space-size') ? '' : '--max-semi-space-size=4',
  nodeOptions.includes('max-old-space-size') ? '' : '--max-old-space-size=256',
].filter(Boolean)
const env = {
  MALLOC_ARENA_MAX: '2',
  ...process.env,
  ...(heapFlags.length === 0 ? {} : { NODE_OPTIONS: [nodeOptions, ...heapFlags].join(' ').trim() }),
}
const child = spawn(process.execPath, [ENTRY], { stdio: 'inherit', env })
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal))
}
child.on('exit', (code, signal) => {
  // Mirror a signal death as the shell would (128 + n), else pass the exit code through.
  if (signal) process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 0))
  process.exit(code ?? 0)
})
