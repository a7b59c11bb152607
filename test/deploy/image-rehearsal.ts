/**
 * Rehearses the Docker image without a Docker engine: follows the Dockerfile's own instructions (COPY, RUN,
 * WORKDIR, ENV, USER, CMD, HEALTHCHECK) with one folder per stage standing in for its WORKDIR, builds the
 * context through .dockerignore, then starts the runtime stage's CMD exactly as written and checks it:
 * HEALTHCHECK passes, /health/ready and /predict answer, the process writes nothing into its own files, and
 * SIGTERM ends it with exit 0.
 *
 * What it catches that the static tests cannot: a file the build needs left out by .dockerignore, a runtime
 * import of a devDependency (the runtime stage has production dependencies only), a file missing from the
 * runtime COPYs, a write into the app folder (read-only in Kubernetes).
 *
 *   npx tsx test/deploy/image-rehearsal.ts [--node /path/to/node24]   (.ci/run passes Node 24)
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { freePort } from '../../dev/harness/free-port.js'
import { envPairs, execForm, isIgnored, parseDockerfile, splitFlags } from './dockerfile-parse.js'
import { ROOT, readText } from './support.js'

const nodeFlag = process.argv.indexOf('--node')
const NODE = nodeFlag > 0 ? (process.argv[nodeFlag + 1] as string) : process.execPath
const work = mkdtempSync(join(tmpdir(), 'iris-image-'))
const say = (msg: string) => process.stdout.write(`image-rehearsal: ${msg}\n`)

function sh(cmd: string, cwd: string, env: Record<string, string> = {}): void {
  const r = spawnSync('sh', ['-c', cmd], { cwd, stdio: 'inherit', env: { ...process.env, ...env } })
  if (r.status !== 0) throw new Error(`RUN ${cmd} failed in ${cwd} (exit ${r.status})`)
}

/** The build context: tracked files minus .dockerignore, as `docker build .` on a fresh clone sees it. */
function buildContext(): string {
  const ctx = join(work, 'context')
  const ignore = readText('.dockerignore')
  const files = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .stdout.split('\0')
    .filter(Boolean)
  let kept = 0
  for (const f of files) {
    if (isIgnored(ignore, f)) continue
    mkdirSync(dirname(join(ctx, f)), { recursive: true })
    cpSync(join(ROOT, f), join(ctx, f))
    kept++
  }
  say(`context: ${kept} of ${files.length} tracked files`)
  return ctx
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}

async function main(): Promise<void> {
  const dockerfile = parseDockerfile(readText('Dockerfile'))
  const context = buildContext()
  const stageDirs = new Map<string, string>()
  let env: Record<string, string> = {}
  let user = 'root'
  let cmd: string[] = []
  let healthcheck: string[] = []
  let dir = ''
  let workdir = '/'

  for (const [i, stage] of dockerfile.stages.entries()) {
    const name = stage.name ?? String(i)
    dir = join(work, `stage-${name}`)
    mkdirSync(dir, { recursive: true })
    stageDirs.set(name, dir)
    env = {}
    say(`stage ${name} (FROM ${stage.image})`)
    // Paths inside the image map onto this stage's folder.
    const local = (p: string) => (p.startsWith(workdir) ? join(dir, p.slice(workdir.length)) : join(dir, p))
    for (const ins of stage.instructions) {
      const { flags, rest } = splitFlags(ins.args)
      if (ins.keyword === 'WORKDIR') workdir = ins.args
      else if (ins.keyword === 'ENV') Object.assign(env, envPairs(ins.args))
      else if (ins.keyword === 'USER') user = ins.args
      else if (ins.keyword === 'CMD') cmd = execForm(ins.args) as string[]
      else if (ins.keyword === 'HEALTHCHECK') healthcheck = execForm(rest.replace(/^CMD\s+/, '')) as string[]
      else if (ins.keyword === 'RUN') sh(rest.replaceAll(workdir, dir), dir, env)
      else if (ins.keyword === 'COPY') {
        const parts = rest.split(/\s+/)
        const rawDest = parts.pop() as string
        const intoDir = parts.length > 1 || rawDest.endsWith('/') || rawDest === '.'
        const dest = local(rawDest.replace(/^\.\/?/, ''))
        for (const src of parts) {
          const from =
            flags.from === undefined
              ? join(context, src)
              : join(stageDirs.get(flags.from) as string, src.replace(workdir, ''))
          // Docker copies a directory's contents, and a file into a destination ending in `/`.
          const target =
            intoDir && !statSync(from).isDirectory() ? join(dest, src.split('/').pop() as string) : dest
          cpSync(from, target, { recursive: true })
        }
      }
    }
  }

  // The runtime stage, started as the image would start it.
  const port = await freePort()
  const before = new Map(listFiles(dir).map((f) => [f, statSync(f).mtimeMs]))
  // As root here, drop to `nobody` the way USER does (setpriv execs: no process in between to eat signals).
  const asUser =
    process.getuid?.() === 0 && user !== 'root'
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']
      : []
  spawnSync('chmod', ['a+rx', work])
  spawnSync('chmod', ['-R', 'a+rX,go-w', dir])
  const argv = [...asUser, ...cmd.map((a) => (a === 'node' ? NODE : a))]
  say(
    `start: ${cmd.join(' ')} in ${dir} as ${asUser.length > 0 ? 'nobody' : 'the current user'}, Node ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}`,
  )
  const childEnv = {
    PATH: `${dirname(NODE)}:${process.env.PATH}`,
    HOME: '/nonexistent',
    ...env,
    PORT: String(port),
    WORKERS: '2',
  }
  const server = spawn(argv[0] as string, argv.slice(1), {
    cwd: dir,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)))

  const check = [NODE, ...healthcheck.slice(1)]
  let healthy = false
  for (let i = 0; i < 100 && !healthy; i++) {
    healthy = spawnSync(check[0] as string, check.slice(1), { env: childEnv, timeout: 10_000 }).status === 0
    if (!healthy) await new Promise((r) => setTimeout(r, 200))
  }
  if (!healthy) throw new Error('HEALTHCHECK never passed')
  say('HEALTHCHECK passed')

  const base = `http://127.0.0.1:${port}`
  const ready = await fetch(`${base}/health/ready`)
  if (ready.status !== 200) throw new Error(`/health/ready answered ${ready.status}`)
  const predict = await fetch(`${base}/predict`, {
    method: 'POST',
    body: JSON.stringify({
      input: [
        [5.1, 3.5, 1.4, 0.2],
        [6.7, 3.0, 5.2, 2.3],
      ],
    }),
  })
  const body = (await predict.json()) as { prediction?: string[] }
  if (predict.status !== 200 || body.prediction?.[0] !== 'setosa')
    throw new Error(`/predict answered ${predict.status} ${JSON.stringify(body)}`)
  const ui = await fetch(`${base}/`)
  if (ui.status !== 200) throw new Error(`the UI at / answered ${ui.status}`)
  say(`/health/ready 200, /predict ${JSON.stringify(body.prediction)}, / ${ui.status}`)

  server.kill('SIGTERM')
  const code = await exited
  if (code !== 0) throw new Error(`SIGTERM: exit code ${code}`)
  const changed = listFiles(dir).filter((f) => before.get(f) !== statSync(f).mtimeMs)
  if (changed.length > 0) throw new Error(`the app wrote into its own folder: ${changed.join(', ')}`)
  say('SIGTERM: exit 0; no file of the app was created or changed')
}

main()
  .then(() => rmSync(work, { recursive: true, force: true }))
  .catch((err: Error) => {
    process.stderr.write(`image-rehearsal: FAILED: ${err.message}\n(files kept in ${work})\n`)
    process.exit(1)
  })
