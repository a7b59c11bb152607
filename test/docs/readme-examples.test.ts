/**
 * Every shell example of README.md, run as written against real servers (the built `dist/server.js`):
 * the curl calls answer what the README shows, the training, serving, registry and client commands succeed,
 * and none of them writes into the repository (scratch folders, never the committed registry).
 * Only the host, ports, scratch folders and key placeholders are substituted.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../../dev/harness/build.js'
import { freePort } from '../../dev/harness/free-port.js'
import { type Running, startServer, waitFor200 } from '../../dev/harness/server-process.js'
import { type Example, readmeExamples } from './readme-commands.js'

const README = readFileSync('README.md', 'utf8')
const examples = readmeExamples(README)
const KEY = 'readme-example-key-0123456789'
const ADMIN = 'readme-example-admin-key-0123456789'
const scratch = mkdtempSync(join(tmpdir(), 'iris-readme-'))
let plain: Running
let keyed: Running

function git(args: string[]): string {
  return spawnSync('git', args, { encoding: 'utf8' }).stdout
}

/** The README's text with this run's hosts, scratch folders and keys. */
function substitute(command: string, server: Running, servePort = 0): string {
  return command
    .replaceAll('localhost:8000', `127.0.0.1:${server.port}`)
    .replaceAll('--port 8001', `--port ${servePort}`)
    .replaceAll('/tmp/iris-scratch', join(scratch, 'iris-scratch'))
    .replaceAll('/tmp/iris-registry', join(scratch, 'iris-registry'))
    .replaceAll('<admin key>', ADMIN)
    .replaceAll('<key>', KEY)
}

function sh(command: string, timeout = 120_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', command], {
    encoding: 'utf8',
    timeout,
    env: { ...process.env, CI: 'true' },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const bySection = (name: string): Example[] => examples.filter((e) => e.section.startsWith(name))
/** Changes under models/ and new files in the repository's root (the places examples could litter). */
const untracked = () =>
  [
    git(['status', '--porcelain', '--untracked-files=all', '--', 'models']),
    ...git(['ls-files', '--others', '--exclude-standard'])
      .split('\n')
      .filter((f) => f !== '' && !f.includes('/')),
  ].join('\n')

let before = ''

beforeAll(async () => {
  ensureBuilt()
  before = untracked()
  plain = await startServer({ WORKERS: '1', LOG_LEVEL: 'warn' })
  keyed = await startServer({
    WORKERS: '1',
    LOG_LEVEL: 'warn',
    MODEL_PATH: 'models/iris_model/1/iris_model.json',
    API_KEYS: KEY,
    ADMIN_API_KEYS: ADMIN,
  })
  await waitFor200(`${plain.base}/health/ready`, 1, 60_000, plain)
  await waitFor200(`${keyed.base}/health/ready`, 1, 60_000, keyed)
}, 240_000)

afterAll(async () => {
  await Promise.all([plain?.stop(), keyed?.stop()])
  rmSync(scratch, { recursive: true, force: true })
})

describe('README.md examples', () => {
  it('keeps the two commands and finds the examples of each section', () => {
    expect(README).toContain('npm ci && npm start')
    expect(examples.map((e) => e.command)).toContain('npm test')
    for (const section of ['Quick start', 'Training', 'Versions and aliases', 'Use via API']) {
      expect(bySection(section).length, section).toBeGreaterThan(0)
    }
  })

  it('the quick start and key curl calls answer as shown', () => {
    const calls = examples.filter((e) => e.command.startsWith('curl '))
    expect(calls.length).toBeGreaterThanOrEqual(6)
    for (const e of calls) {
      const server = e.command.includes('<') ? keyed : plain
      const r = sh(`${substitute(e.command, server)} -w '\\n%{http_code}'`)
      const lines = r.stdout.trimEnd().split('\n')
      const status = lines.pop()
      expect(`${status} ${lines.join('\n')}`, e.command).toMatch(/^200 \{/)
      if (e.shown !== undefined) expect(JSON.parse(lines.join('\n')), e.command).toEqual(JSON.parse(e.shown))
    }
  }, 120_000)

  it('trains into a scratch folder and serves what it trained', async () => {
    const [train, serve, ...rest] = bySection('Training')
    expect(rest).toEqual([])
    const trained = sh(substitute(train!.command, plain), 300_000)
    expect(trained.code, `${train!.command}\n${trained.stderr}`).toBe(0)
    const port = await freePort()
    const child = spawn('bash', ['-c', `exec ${substitute(serve!.command, plain, port)}`], {
      stdio: 'ignore',
    })
    try {
      await waitFor200(`http://127.0.0.1:${port}/health/ready`, 1, 120_000)
      const r = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        body: JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] }),
      })
      expect(await r.json()).toEqual({ prediction: ['setosa'] })
    } finally {
      child.kill('SIGTERM')
    }
  }, 400_000)

  it('runs the registry commands on a scratch copy: version 2 registered, promoted, rolled back', () => {
    const outputs = bySection('Versions and aliases').map((e) => {
      const r = sh(substitute(e.command, plain), 300_000)
      expect(r.code, `${e.command}\n${r.stderr}`).toBe(0)
      return r.stdout
    })
    expect(outputs.join('\n')).toMatch(/Registered version 2/)
    const list = sh(`npx tsx src/cli.ts models list --json --registry ${join(scratch, 'iris-registry')}`)
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/"stable"/)
  }, 600_000)

  it('runs the client examples against a real server', () => {
    const clients = bySection('Use via API').filter((e) => !e.command.startsWith('curl '))
    expect(clients.length).toBeGreaterThanOrEqual(2)
    for (const e of clients) {
      const r = sh(substitute(e.command, plain))
      expect(r.code, `${e.command}\n${r.stderr}`).toBe(0)
      expect(r.stdout, e.command).toMatch(/setosa/)
    }
  }, 240_000)

  it('leaves the repository as it found it (nothing written over the committed registry or in the root)', () => {
    expect(untracked()).toBe(before)
  })
})

describe('the README example reader', () => {
  it('joins continuations, drops comments, attaches shown output and keeps sections', () => {
    const md = [
      '## Try',
      '```bash',
      'curl -s x -d \'{"a": "#1"}\'   # a comment',
      '# {"ok":true}',
      'npm run train -- --a 1 \\',
      '  --b 2',
      '```',
      '```ts',
      'ignored()',
      '```',
    ].join('\n')
    expect(readmeExamples(md)).toEqual([
      { section: 'Try', command: 'curl -s x -d \'{"a": "#1"}\'', shown: '{"ok":true}' },
      { section: 'Try', command: 'npm run train -- --a 1 --b 2' },
    ])
  })
})
