/**
 * `iris serve` flags, as a user types them: a real process (the CLI under tsx) on a free port. The flags
 * override the environment (here PORT and WORKERS point elsewhere), `--help` lists them, and a bad flag
 * value is named by its flag in one line.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../dev/harness/free-port.js'
import { type ModelFiles, makeModelFiles } from '../../dev/harness/model-files.js'
import { waitFor200 } from '../../dev/harness/server-process.js'

const CLI = [process.execPath, '--import', 'tsx', 'src/cli.ts']
let files: ModelFiles
let child: ChildProcess | undefined

beforeAll(async () => {
  files = await makeModelFiles()
}, 60_000)
afterAll(async () => {
  if (child && child.exitCode === null) {
    const gone = new Promise((r) => child?.on('exit', r))
    child.kill('SIGTERM')
    await gone
  }
  await rm(files.dir, { recursive: true, force: true })
})

describe('iris serve flags', () => {
  it('--help lists --model, --port, --workers and --host', async () => {
    const { stdout } = await promisify(execFile)(CLI[0]!, [...CLI.slice(1), 'serve', '--help'])
    for (const flag of ['--model <file>', '--port <n>', '--workers <n>', '--host <addr>'])
      expect(stdout).toContain(flag)
  })

  it('serves the --model file on --port with --workers, over the environment', async () => {
    const port = await freePort()
    child = spawn(
      CLI[0]!,
      [
        ...CLI.slice(1),
        'serve',
        '--model',
        files.serving,
        '--port',
        String(port),
        '--workers',
        '1',
        '--host',
        '127.0.0.1',
      ],
      { env: { ...process.env, PORT: '1', WORKERS: '3', MODEL_PATH: '/nonexistent' }, stdio: 'ignore' },
    )
    await waitFor200(`http://127.0.0.1:${port}/health/ready`, 1, 150_000)
    const model = (await (await fetch(`http://127.0.0.1:${port}/model`)).json()) as Record<string, unknown>
    expect(JSON.stringify(model)).toContain(files.servingVersion)
    const gone = new Promise<number | null>((r) => child?.on('exit', (code) => r(code)))
    child.kill('SIGTERM')
    expect(await gone).toBe(0)
  }, 200_000)

  it('names a bad value by its flag, in one line', async () => {
    const r = await promisify(execFile)(CLI[0]!, [...CLI.slice(1), 'serve', '--port', 'eighty']).catch(
      (e: { code: number; stderr: string }) => e,
    )
    expect(r).toMatchObject({ code: 1 })
    expect((r as { stderr: string }).stderr).toMatch(
      /^iris serve: Invalid configuration: --port \(PORT\) must be an integer/,
    )
    expect((r as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1)
  }, 120_000)
})
