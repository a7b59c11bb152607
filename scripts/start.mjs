#!/usr/bin/env node
/**
 * `npm start`: build when dist/ is missing or older than any file in src/ (or web/, tsconfig, package.json),
 * then run exactly what the Docker image runs, `node dist/server.js` (with the workers' memory
 * settings, see below), forwarding SIGTERM/SIGINT/SIGHUP and
 * exiting with its code. package.json runs it as `exec node scripts/start.mjs`: npm's shell replaces itself
 * with this launcher, so the SIGTERM npm forwards reaches it (a shell in between would die and leave the
 * server orphaned; test/server/launcher.test.ts).
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

// The workers' memory settings (src/server/memory-settings.ts): the cluster primary gives them to its
// workers itself; through NODE_OPTIONS and the environment they also reach a single process (WORKERS=1),
// which cannot set V8's heap sizes once running. An operator's own choices win.
const { workerEnv, workerExecArgv } = await import('../dist/server/memory-settings.js')
const nodeOptions = process.env.NODE_OPTIONS ?? ''
const heapFlags = workerExecArgv([], nodeOptions)
const env = {
  ...process.env,
  ...workerEnv(process.env),
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
