/**
 * yamllint over every YAML file of the deployment (workflows, Compose, manifests, monitoring), and
 * shellcheck over the shell scripts and the shell steps of the workflows.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { describe, expect } from 'vitest'
import { exists, expectSuccess, itWithTool, readText, readYaml, repoPath, run, TOOLS } from './support.js'

// biome-ignore lint/suspicious/noExplicitAny: parsed workflow YAML
type Obj = Record<string, any>

describe('yamllint', () => {
  itWithTool('passes in strict mode over the repository (.yamllint.yml)', TOOLS.yamllint, (cmd) => {
    const listed = run(cmd, ['--list-files', '.'])
    expectSuccess(listed, 'yamllint --list-files')
    const files = listed.stdout.split('\n').map((f) => f.replace(/^\.\//, ''))
    for (const f of [
      'docker-compose.yml',
      '.github/workflows/test-and-build.yml',
      '.github/workflows/publish.yml',
      'deploy/k8s/deployment.yaml',
      'deploy/prometheus/prometheus.yml',
    ]) {
      expect(files, f).toContain(f)
    }
    expectSuccess(run(cmd, ['--strict', '.']), 'yamllint --strict .')
  })
})

describe('shellcheck', () => {
  const scripts = [
    ...readdirSync(repoPath('scripts'))
      .filter((f) => f.endsWith('.sh'))
      .map((f) => `scripts/${f}`),
    ...(exists('.ci/run') ? ['.ci/run'] : []),
  ]

  itWithTool('passes on scripts/*.sh and .ci/run', TOOLS.shellcheck, (cmd) => {
    expect(scripts).toContain('scripts/ci-node24.sh')
    expectSuccess(run(cmd, scripts), `shellcheck ${scripts.join(' ')}`)
  })

  itWithTool(
    'passes on every `run:` step of the workflows (bash, as GitHub runs them)',
    TOOLS.shellcheck,
    (cmd) => {
      for (const file of ['.github/workflows/test-and-build.yml', '.github/workflows/publish.yml']) {
        const wf = readYaml<Obj>(file)
        for (const [jobName, job] of Object.entries(wf.jobs as Obj)) {
          for (const step of ((job as Obj).steps ?? []) as Obj[]) {
            if (typeof step.run !== 'string') continue
            // GitHub substitutes ${{ }} before bash sees the script; a plain word stands in for it here.
            const script = `#!/usr/bin/env bash\nset -eo pipefail\n${step.run.replace(/\$\{\{[^}]*\}\}/g, 'GHEXPR')}`
            const r = spawnSync(cmd[0] as string, [...cmd.slice(1), '-s', 'bash', '-'], {
              input: script,
              encoding: 'utf8',
            })
            const checked = { status: r.status, stdout: r.stdout, stderr: r.stderr }
            expectSuccess(
              checked,
              `shellcheck of ${file} job ${jobName} step "${step.name ?? step.run.split('\n')[0]}"`,
            )
          }
        }
      }
      expect(readText('.github/workflows/test-and-build.yml')).toContain('run:')
    },
  )
})
